"""The data customer events carry: who acted, and the customer's identifiers by source."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from patron.auth.principal import Principal
from patron.customers import repository
from patron.customers.models import Customer, Identifier, Profile
from patron.events.catalogue import EventName
from patron.events.outbox import record_event
from patron.kit import clock
from patron.orgs.catalog import Source

# Keys of ``customerIdentifiers`` per source, as consumers see them ("toabao" included).
SOURCE_KEYS: dict[str, str] = {
    Source.INSTORE: "instore",
    Source.FACEBOOK: "facebook",
    Source.WEB_ENGAGE: "web_engage",
    Source.WECHAT: "wechat",
    Source.MARTJACK: "martjack",
    Source.TMALL: "tmall",
    Source.TAOBAO: "toabao",
    Source.JD: "jd",
    Source.ECOMMERCE: "ecommerce",
    Source.WEBSITE: "website",
    Source.LINE: "line",
    Source.MOBILE_APP: "mobile_app",
}


def entered_by(principal: Principal) -> dict[str, Any]:
    """Render the acting till and its store."""
    store = principal.store
    return {
        "user": {"username": principal.till_code},
        "id": principal.till_id,
        "till": {"code": principal.till_code, "name": principal.till_name},
        "store": {
            "code": store.code,
            "name": store.name,
            "externalId": store.external_id,
            "externalId1": store.external_id1,
            "externalId2": store.external_id2,
        },
    }


def _instore_block(identifiers: Sequence[Identifier]) -> dict[str, Any]:
    block: dict[str, Any] = {}
    cards: list[str] = []
    for ident in identifiers:
        if ident.type == "cardnumber":
            cards.append(ident.value)
            block.setdefault("cardnumber", ident.value)
            external = (ident.attrs or {}).get("cardExternalId")
            if external:
                block.setdefault("cardexternalid", external)
        else:
            block.setdefault(ident.type, ident.value)
    block["cardNumbers"] = cards
    return block


def customer_identifiers(
    customer: Customer, profiles: Sequence[Profile], identifiers: Sequence[Identifier]
) -> dict[str, Any]:
    """Group the customer's identifiers by source, in the documented ``customerIdentifiers`` shape."""
    first = profiles[0] if profiles else None
    out: dict[str, Any] = {
        "customerId": customer.id,
        "firstName": first.first_name if first else "",
        "lastName": first.last_name if first else "",
        "loyaltyType": customer.loyalty_type,
    }
    by_profile: dict[int, list[Identifier]] = {}
    for ident in identifiers:
        by_profile.setdefault(ident.profile_id, []).append(ident)
    for profile in profiles:
        idents = by_profile.get(profile.id, [])
        key = SOURCE_KEYS[profile.source]
        if profile.source == Source.INSTORE:
            out[key] = {"id": profile.id, **_instore_block(idents)}
            continue
        accounts = out.setdefault(key, {"accounts": []})["accounts"]
        accounts.append(
            {
                "accountId": profile.account_id,
                "identifiers": [
                    {"identifierType": i.type, "identifierValue": i.value} for i in idents
                ],
            }
        )
    return out


def key_values(values: dict[str, Any]) -> list[dict[str, Any]]:
    """Render a field map as the documented ``[{key, value}]`` list."""
    return [{"key": k, "value": v} for k, v in values.items()]


def profile_event_data(
    principal: Principal,
    customer: Customer,
    profile: Profile,
    profiles: Sequence[Profile],
    identifiers: Sequence[Identifier],
) -> dict[str, Any]:
    """Return the common ``data`` of customer events about ``profile``."""
    return {
        "loyaltyType": customer.loyalty_type,
        "source": profile.source,
        "accountId": profile.account_id,
        "firstName": profile.first_name,
        "lastName": profile.last_name,
        "enteredAt": clock.epoch_ms(clock.now()),
        "enteredBy": entered_by(principal),
        "customerIdentifiers": customer_identifiers(customer, profiles, identifiers),
        "customFields": key_values(profile.fields or {}),
        "extendedFields": key_values(customer.extended_fields or {}),
    }


def load_customer_identifiers(session: Session, customer: Customer) -> dict[str, Any]:
    """Load and render the customer's ``customerIdentifiers`` for an event of another domain."""
    profiles = repository.list_profiles(session, customer.id)
    identifiers = repository.list_identifiers(session, customer.id)
    return customer_identifiers(customer, profiles, identifiers)


@dataclass(frozen=True)
class FieldChange:
    """One entry of ``updatedFields``."""

    field_name: str
    previous: Any
    current: Any
    field_type: str
    source: str | None = None
    account_id: str | None = None

    @classmethod
    def of_profile(
        cls, profile: Profile, field_name: str, previous: Any, current: Any, field_type: str
    ) -> FieldChange:
        """A change of a field that belongs to ``profile`` (it names the profile's source)."""
        return cls(field_name, previous, current, field_type, profile.source, profile.account_id)

    def as_dict(self) -> dict[str, Any]:
        """Render the documented entry; a profile's field also names its ``source``/``accountId``."""
        out: dict[str, Any] = {
            "fieldName": self.field_name,
            "previousValue": self.previous,
            "currentValue": self.current,
            "fieldType": self.field_type,
        }
        if self.source is not None:
            out["source"] = self.source
            out["accountId"] = self.account_id or ""
        return out


STANDARD_FIELD = "StandardField"
CUSTOM_FIELD = "CustomField"
EXTENDED_FIELD = "ExtendedField"
IDENTIFIER_FIELD = "Identifier"
CHANNEL_FIELD = "CommChannel"


def record_customer_updated(
    session: Session,
    principal: Principal,
    customer: Customer,
    profile: Profile | None,
    changes: Sequence[FieldChange],
    *,
    activity: str,
    request_id: str,
    customer_status: dict[str, Any] | None = None,
) -> None:
    """Write ``customerUpdated`` for the changes (in the caller's transaction)."""
    session.flush()
    profiles = repository.list_profiles(session, customer.id)
    identifiers = repository.list_identifiers(session, customer.id)
    shown = profile or (profiles[0] if profiles else None)
    if shown is None:
        data: dict[str, Any] = {"loyaltyType": customer.loyalty_type, "source": "", "accountId": ""}
        data["customerIdentifiers"] = customer_identifiers(customer, profiles, identifiers)
        data["enteredBy"] = entered_by(principal)
        data["enteredAt"] = clock.epoch_ms(clock.now())
    else:
        data = profile_event_data(principal, customer, shown, profiles, identifiers)
    data["updatedFields"] = [c.as_dict() for c in changes]
    if customer_status is not None:
        data["customerStatus"] = customer_status
    data["triggeringActivity"] = {"name": activity, "requestId": request_id}
    record_event(
        session,
        org_id=customer.org_id,
        name=EventName.CUSTOMER_UPDATED,
        entity_id=customer.id,
        data=data,
        api_request_id=request_id,
    )
