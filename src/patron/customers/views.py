"""Rendering a customer the way the fetch endpoints document it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from patron.customers import hooks, repository
from patron.customers.lookup import NOT_FOUND, NOT_FOUND_MESSAGE, merged_away
from patron.customers.models import Customer
from patron.customers.repository import CustomerRecord
from patron.customers.sources import SourceAccount
from patron.customers.status import fraud_details
from patron.errors import Invalid, NotFound
from patron.kit import clock
from patron.kit.clock import iso
from patron.orgs.config import OrgConfig
from patron.orgs.service import till_attributions

NOT_IN_SOURCE = 8065
_IDENTIFIER_ATTRS = ("seriesId", "seriesCode", "statusLabel", "cardExternalId")


def _identifier(ident: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"type": ident["type"], "value": ident["value"]}
    attrs = ident["attrs"]
    if attrs:
        for key in _IDENTIFIER_ATTRS:
            if key in attrs:
                out[key] = attrs[key]
    return out


def _channel(channel: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": channel["type"],
        "value": channel["value"],
        "primary": channel["is_primary"],
        "verified": channel["is_verified"],
        "meta": {"residence": False, "office": False, **(channel["meta"] or {})},
        "attributes": channel["attributes"] or {},
    }


def _card_details(session: Session, org: OrgConfig, record: CustomerRecord) -> list[dict[str, Any]]:
    """Render the customer's cards: those of a series as the cards domain holds them, then
    ``cardnumber`` identifiers of no series with the same keys."""
    zone = org.zone
    known = hooks.card_details(session, org, record.id)
    cards = list(known.values())
    seen = set(known)
    for ident in record.identifiers:
        if ident["type"] != "cardnumber" or ident["value"] in seen:
            continue
        seen.add(ident["value"])
        attrs = ident["attrs"] or {}
        label = attrs.get("statusLabel", "ACTIVE")
        created_at = ident["created_at"]
        cards.append(
            {
                "cardId": None,
                "issuedDate": iso(created_at, zone),
                "createdDate": clock.local_date(created_at, zone),
                "expiryDays": 0,
                "seriesName": "",
                "customerId": record.id,
                "maxActiveCards": None,
                "cardExternalId": attrs.get("cardExternalId", ""),
                "extendedFields": attrs.get("extendedFields", {}),
                "customFields": attrs.get("customFields", {}),
                "type": None,
                "cardNumber": ident["value"],
                "seriesId": attrs.get("seriesId"),
                "seriesCode": attrs.get("seriesCode", ""),
                "orgId": org.id,
                "entityId": record.created_by,
                "statusInfo": {
                    "reason": "",
                    "createdBy": record.created_by,
                    "actions": [],
                    "autoUpdateTime": clock.local_date(created_at, zone),
                    "createdOn": iso(created_at, zone),
                    "entityId": None,
                    "id": None,
                    "isActive": label == "ACTIVE",
                    "labelId": None,
                    "label": label,
                    "status": label,
                },
                "id": ident["id"],
                "transactionNotAllowed": False,
            }
        )
    return cards


def parse_embeds(embed: str | None) -> list[str]:
    """Split an ``embed`` parameter into lower-cased names, refusing those no domain serves."""
    names = [part.strip().lower() for part in (embed or "").split(",") if part.strip()]
    for name in names:
        if name not in hooks.embed_hooks:
            raise Invalid(400, f"Input is invalid: unknown embed {name!r}")
    return names


def _apply_embeds(
    session: Session,
    org: OrgConfig,
    customer_id: int,
    embeds: list[str],
    base_url: str,
    out: dict[str, Any],
    detailed: bool,
) -> None:
    for name in embeds:
        out.update(hooks.embed_hooks[name](session, org, customer_id, base_url, detailed))


def fetch_customer(
    session: Session,
    org: OrgConfig,
    customer_id: int,
    where: SourceAccount | None,
    embeds: list[str],
    base_url: str,
    known_tills: dict[int, dict[str, Any]],
) -> dict[str, Any]:
    """Render the org's customer ``customer_id`` (8015 when unknown, 8069 when merged away)."""
    record = repository.read_customer_record(session, org.id, customer_id)
    if record is None:
        raise NotFound(NOT_FOUND, NOT_FOUND_MESSAGE)
    if record.merged_into_id is not None:
        merged = repository.get_customer(session, org.id, customer_id)
        if merged is not None:
            raise merged_away(session, org.id, merged)
    return _render(session, org, record, where, embeds, base_url, known_tills)


def render_customer(
    session: Session,
    org: OrgConfig,
    customer: Customer,
    where: SourceAccount | None,
    embeds: list[str] | None = None,
    base_url: str = "",
    known_tills: dict[int, dict[str, Any]] | None = None,
    *,
    with_fraud_details: bool = False,
) -> dict[str, Any]:
    """Render the customer; ``where`` limits the profiles to one source account (None: all).

    ``known_tills`` are attributions the caller already has (its own till), saving a query.
    Date-times are rendered in the org's time zone. ``with_fraud_details`` adds the
    ``fraudDetails`` of ``lookup/customerDetails``.
    """
    record = repository.read_customer_record(session, org.id, customer.id)
    if record is None:
        raise NotFound(NOT_FOUND, NOT_FOUND_MESSAGE)
    return _render(
        session,
        org,
        record,
        where,
        embeds or [],
        base_url,
        known_tills or {},
        fraud_of=customer if with_fraud_details else None,
    )


def _render(
    session: Session,
    org: OrgConfig,
    record: CustomerRecord,
    where: SourceAccount | None,
    embeds: list[str],
    base_url: str,
    known: dict[int, dict[str, Any]],
    *,
    fraud_of: Customer | None = None,
) -> dict[str, Any]:
    zone = org.zone
    all_profiles = record.profiles
    profiles: Sequence[dict[str, Any]] = all_profiles
    if where is not None:
        profiles = [
            p
            for p in profiles
            if p["source"] == where.source and p["account_id"] == where.account_id
        ]
        if not profiles:
            raise NotFound(NOT_IN_SOURCE, f"No customer found in the given source ({where.source})")
    identifiers = record.identifiers
    till_ids = {record.created_by, record.updated_by}
    till_ids |= {p["created_by"] for p in profiles} | {p["updated_by"] for p in profiles}
    unknown = till_ids - known.keys()
    tills = {**known, **till_attributions(session, org.id, unknown)} if unknown else known
    seen: set[tuple[str, str]] = set()
    identifiers_all = []
    for ident in identifiers:
        key = (ident["type"], ident["value"])
        if key not in seen:
            seen.add(key)
            identifiers_all.append({"type": key[0], "value": key[1]})
    rendered_profiles = []
    for profile in profiles:
        profile_id = profile["id"]
        modified = iso(profile["updated_at"], zone)
        rendered_profiles.append(
            {
                "firstName": profile["first_name"],
                "lastName": profile["last_name"],
                "attribution": {
                    "createDate": iso(profile["created_at"], zone),
                    "createdBy": tills.get(profile["created_by"], {}),
                    "modifiedBy": tills.get(profile["updated_by"], {}),
                    "modifiedDate": modified,
                },
                "fields": profile["fields"] or {},
                "identifiers": [
                    _identifier(i) for i in identifiers if i["profile_id"] == profile_id
                ],
                "commChannels": [
                    _channel(c) for c in record.channels if c["profile_id"] == profile_id
                ],
                "source": profile["source"],
                "userId": record.id,
                "accountId": profile["account_id"],
                "conflictingProfileList": [],
                "autoUpdateTime": modified,
                "identifiersAll": identifiers_all,
            }
        )
    created_by = tills.get(record.created_by, {})
    modified_by = tills.get(record.updated_by, {})
    first_source = all_profiles[0]["source"] if all_profiles else ""
    out: dict[str, Any] = {
        "id": record.id,
        "profiles": rendered_profiles,
        "loyaltyInfo": {
            "loyaltyType": record.loyalty_type,
            "attributionV2": {
                "createDate": iso(record.created_at, zone),
                "createdBy": {
                    "id": created_by.get("id"),
                    "code": created_by.get("code"),
                    "name": created_by.get("name"),
                    "type": "TILL",
                },
                "modifiedBy": {
                    "id": modified_by.get("id"),
                    "code": modified_by.get("code"),
                    "name": modified_by.get("name"),
                    "type": "TILL",
                },
                "modifiedDate": iso(record.updated_at, zone),
                "createdFromSource": first_source.lower(),
            },
            "lifetimePurchases": 0.0,
            **hooks.loyalty_info(session, org, record.id),
        },
        "segments": {},
        "associatedWith": record.associated_with or created_by.get("code", ""),
        "extendedFields": record.extended_fields or {},
        "cardDetails": _card_details(session, org, record),
        "warnings": [],
    }
    if fraud_of is not None:
        fraud = fraud_details(session, org, fraud_of, tills)
        # The document shows fraudDetails right after loyaltyInfo.
        out = {
            **{k: v for k, v in out.items() if k in ("id", "profiles", "loyaltyInfo")},
            "fraudDetails": fraud,
            **out,
        }
    _apply_embeds(session, org, record.id, embeds, base_url, out, fraud_of is not None)
    return out
