"""Rendering a customer the way the fetch endpoints document it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from patron.customers import hooks, repository
from patron.customers.models import CommChannel, Customer, Identifier, Profile
from patron.customers.sources import SourceAccount
from patron.customers.status import fraud_details
from patron.errors import Invalid, NotFound
from patron.kit import clock
from patron.kit.clock import iso
from patron.orgs.config import OrgConfig
from patron.orgs.service import till_attributions

NOT_IN_SOURCE = 8065


def _identifier(ident: Identifier) -> dict[str, Any]:
    out: dict[str, Any] = {"type": ident.type, "value": ident.value}
    attrs = ident.attrs or {}
    for key in ("seriesId", "seriesCode", "statusLabel", "cardExternalId"):
        if key in attrs:
            out[key] = attrs[key]
    return out


def _channel(channel: CommChannel) -> dict[str, Any]:
    return {
        "type": channel.type,
        "value": channel.value,
        "primary": channel.is_primary,
        "verified": channel.is_verified,
        "meta": {"residence": False, "office": False, **(channel.meta or {})},
        "attributes": channel.attributes or {},
    }


def _card_details(
    session: Session,
    org: OrgConfig,
    customer: Customer,
    identifiers: Sequence[Identifier],
) -> list[dict[str, Any]]:
    """Render the customer's cards: those of a series as the cards domain holds them, then
    ``cardnumber`` identifiers of no series with the same keys."""
    zone = org.zone
    known = hooks.card_details(session, org, customer.id)
    cards = list(known.values())
    seen = set(known)
    for ident in identifiers:
        if ident.type != "cardnumber" or ident.value in seen:
            continue
        seen.add(ident.value)
        attrs = ident.attrs or {}
        label = attrs.get("statusLabel", "ACTIVE")
        cards.append(
            {
                "cardId": None,
                "issuedDate": iso(ident.created_at, zone),
                "createdDate": clock.local_date(ident.created_at, zone),
                "expiryDays": 0,
                "seriesName": "",
                "customerId": customer.id,
                "maxActiveCards": None,
                "cardExternalId": attrs.get("cardExternalId", ""),
                "extendedFields": attrs.get("extendedFields", {}),
                "customFields": attrs.get("customFields", {}),
                "type": None,
                "cardNumber": ident.value,
                "seriesId": attrs.get("seriesId"),
                "seriesCode": attrs.get("seriesCode", ""),
                "orgId": org.id,
                "entityId": customer.created_by,
                "statusInfo": {
                    "reason": "",
                    "createdBy": customer.created_by,
                    "actions": [],
                    "autoUpdateTime": clock.local_date(ident.created_at, zone),
                    "createdOn": iso(ident.created_at, zone),
                    "entityId": None,
                    "id": None,
                    "isActive": label == "ACTIVE",
                    "labelId": None,
                    "label": label,
                    "status": label,
                },
                "id": ident.id,
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
    org_id = org.id
    zone = org.zone
    all_profiles = repository.list_profiles(session, customer.id)
    profiles: Sequence[Profile] = all_profiles
    if where is not None:
        profiles = [
            p for p in profiles if p.source == where.source and p.account_id == where.account_id
        ]
        if not profiles:
            raise NotFound(NOT_IN_SOURCE, f"No customer found in the given source ({where.source})")
    identifiers = repository.list_identifiers(session, customer.id)
    channels = repository.list_channels(session, customer.id)
    known = known_tills or {}
    till_ids = {customer.created_by, customer.updated_by}
    till_ids |= {p.created_by for p in profiles} | {p.updated_by for p in profiles}
    tills = {**known, **till_attributions(session, org_id, till_ids - known.keys())}
    all_identifiers = [_identifier(i) for i in identifiers]
    seen: set[tuple[str, str]] = set()
    identifiers_all = []
    for item in all_identifiers:
        key = (item["type"], item["value"])
        if key not in seen:
            seen.add(key)
            identifiers_all.append({"type": item["type"], "value": item["value"]})
    rendered_profiles = []
    for profile in profiles:
        rendered_profiles.append(
            {
                "firstName": profile.first_name,
                "lastName": profile.last_name,
                "attribution": {
                    "createDate": iso(profile.created_at, zone),
                    "createdBy": tills.get(profile.created_by, {}),
                    "modifiedBy": tills.get(profile.updated_by, {}),
                    "modifiedDate": iso(profile.updated_at, zone),
                },
                "fields": profile.fields or {},
                "identifiers": [_identifier(i) for i in identifiers if i.profile_id == profile.id],
                "commChannels": [_channel(c) for c in channels if c.profile_id == profile.id],
                "source": profile.source,
                "userId": customer.id,
                "accountId": profile.account_id,
                "conflictingProfileList": [],
                "autoUpdateTime": iso(profile.updated_at, zone),
                "identifiersAll": identifiers_all,
            }
        )
    created_by = tills.get(customer.created_by, {})
    modified_by = tills.get(customer.updated_by, {})
    first_source = all_profiles[0].source if all_profiles else ""
    out: dict[str, Any] = {
        "id": customer.id,
        "profiles": rendered_profiles,
        "loyaltyInfo": {
            "loyaltyType": customer.loyalty_type,
            "attributionV2": {
                "createDate": iso(customer.created_at, zone),
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
                "modifiedDate": iso(customer.updated_at, zone),
                "createdFromSource": first_source.lower(),
            },
            "lifetimePurchases": 0.0,
            **hooks.loyalty_info(session, org, customer.id),
        },
        "segments": {},
        "associatedWith": customer.associated_with or created_by.get("code", ""),
        "extendedFields": customer.extended_fields or {},
        "cardDetails": _card_details(session, org, customer, identifiers),
        "warnings": [],
    }
    if with_fraud_details:
        fraud = fraud_details(session, org, customer, tills)
        # The document shows fraudDetails right after loyaltyInfo.
        out = {
            **{k: v for k, v in out.items() if k in ("id", "profiles", "loyaltyInfo")},
            "fraudDetails": fraud,
            **out,
        }
    _apply_embeds(session, org, customer.id, embeds or [], base_url, out, with_fraud_details)
    return out
