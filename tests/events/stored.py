"""Outbox events held in memory that mirror the seed samples, with real values."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from patron.customers.events import customer_identifiers
from patron.customers.models import Customer, Identifier, Profile
from patron.events.models import Event
from patron.events.payloads.customer import (
    UpdatedFieldType,
    customer_status_change,
    customer_subscription_data,
    customer_updated_data,
    subscription_change,
    triggering_activity,
    updated_field,
)
from patron.events.payloads.group import (
    contribution_activity,
    group_event_data,
    group_member,
    loyalty_program_details,
    points_contribution_data,
)
from patron.events.payloads.partner import (
    PartnerProgramType,
    expiry_reminder_data,
    partner_membership,
    partner_program_data,
)
from patron.kit import clock
from patron.orgs.catalog import Source

ORG_ID = 150698
ROW_ID = 206
CREATED_AT = dt.datetime(2023, 5, 12, 6, 59, 59, 971000, tzinfo=dt.UTC)
CHANGED_AT = dt.datetime(2023, 5, 12, 6, 59, 58, tzinfo=dt.UTC)

# The account sources of the raw samples, each with one account.
RAW_ACCOUNT_SOURCES = (
    Source.FACEBOOK,
    Source.WEB_ENGAGE,
    Source.WECHAT,
    Source.MARTJACK,
    Source.TMALL,
    Source.TAOBAO,
    Source.JD,
    Source.ECOMMERCE,
    Source.WEBSITE,
    Source.LINE,
)

ENTERED_BY: dict[str, Any] = {
    "user": {"username": "till.rpm"},
    "id": 200320889,
    "till": {"code": "till.rpm", "name": "Till RPM"},
    "store": {
        "code": "store.rpm",
        "name": "Mothercare RSIA Paramount Makassar",
        "externalId": "MOTHERCARERPM",
        "externalId1": "",
        "externalId2": "",
    },
}


def identifiers_of(
    customer_id: int,
    instore: dict[str, str],
    *,
    card: tuple[str, str] | None = None,
    account_sources: tuple[Source, ...] = (),
) -> dict[str, Any]:
    """Render ``customerIdentifiers`` with patron's renderer, for a customer held in memory."""
    customer = Customer(id=customer_id, loyalty_type="loyalty")
    profiles = [Profile(id=customer_id * 10, source=Source.INSTORE, account_id="")]
    profiles[0].first_name, profiles[0].last_name = "Rosma", "Dewi"
    identifiers = [
        Identifier(profile_id=profiles[0].id, type=kind, value=value, attrs=None)
        for kind, value in instore.items()
    ]
    if card is not None:
        identifiers.append(
            Identifier(
                profile_id=profiles[0].id,
                type="cardnumber",
                value=card[0],
                attrs={"cardExternalId": card[1]},
            )
        )
    for number, source in enumerate(account_sources, start=1):
        profile = Profile(id=customer_id * 10 + number, source=source, account_id=f"{source}-1")
        profiles.append(profile)
        identifiers.append(
            Identifier(profile_id=profile.id, type="mobile", value=instore.get("mobile", "62"))
        )
    return customer_identifiers(customer, profiles, identifiers)


def full_identifiers(customer_id: int = 164875382) -> dict[str, Any]:
    """Return identifiers like the raw samples': instore with a card, and every account source."""
    return identifiers_of(
        customer_id,
        {"mobile": "6282396092287", "email": "rosma@example.com", "externalId": "226682932023"},
        card=("CARD-0001", "CARD-EXT-0001"),
        account_sources=RAW_ACCOUNT_SOURCES,
    )


def profile_data(identifiers: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """Return customerAdded ``data`` as the registration writes it."""
    data: dict[str, Any] = {
        "loyaltyType": "loyalty",
        "source": "INSTORE",
        "accountId": "",
        "firstName": "Rosma",
        "lastName": "Dewi",
        "enteredAt": clock.epoch_ms(CHANGED_AT),
        "enteredBy": ENTERED_BY,
        "customerIdentifiers": identifiers,
        "customFields": [{"key": "city", "value": "Makassar"}],
        "extendedFields": [{"key": "gender", "value": "Female"}],
    }
    data.update(overrides)
    return data


def make_event(name: str, data: dict[str, Any], *, entity_id: int = 164875382) -> Event:
    """Return an outbox row held in memory, as the database would return it."""
    return Event(
        id=ROW_ID,
        event_id=str(uuid.uuid4()),
        org_id=ORG_ID,
        event_name=name,
        ref_id=f"{ORG_ID}_{entity_id}",
        api_request_id="0c52fc98594959bf0d577218bf565798",
        entity_id=entity_id,
        created_at=CREATED_AT,
        data=data,
    )


def _member(customer_id: int, role: str, identifiers: dict[str, Any] | None = None) -> Any:
    return group_member("Ann", "Lee", role, identifiers or full_identifiers(customer_id))


def _membership() -> dict[str, Any]:
    return partner_membership(
        membership_number="123-asa3",
        membership_expiry_date=dt.date(2123, 5, 12),
        partner_tier_number=2,
        partner_tier_expiry_date=dt.date(2021, 6, 29),
    )


def _partner(name: str, identifiers: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    if name == "supplementaryMembershipExpiryReminder":
        return expiry_reminder_data(
            customer_identifiers=identifiers,
            loyalty_program_id=855,
            partner_program_id=22,
            partner_program_name="SPprogram1",
            scheduled_expiry_date=dt.date(2021, 6, 1),
        )
    return partner_program_data(
        customer_identifiers=identifiers,
        customer_id=identifiers["customerId"],
        loyalty_program_id=1115,
        partner_program_id=45,
        partner_program_name="Drivers",
        partner_program_type=PartnerProgramType.SUPPLEMENTARY,
        **kwargs,
    )


def raw_like_data(name: str) -> dict[str, Any]:
    """Return the ``data`` ``name`` is written with, for a customer known to every source."""
    ids = full_identifiers()
    group = {"group_id": 2146, "group_name": "Lee family", "primary_member": _member(7, "PRIMARY")}
    match name:
        case "customerAdded":
            return profile_data(ids)
        case "customerUpdated":
            change = updated_field(
                "gender",
                "Female",
                "Male",
                UpdatedFieldType.EXTENDED,
                source="INSTORE",
                account_id="",
            )
            status = customer_status_change(
                previous_status="ACTIVE",
                previous_label="Active",
                current_status="SUSPENDED",
                current_label="Suspended",
                reason="Fraud review",
            )
            activity = triggering_activity("PROFILE_UPDATE", "REQ_98765")
            return customer_updated_data(profile_data(ids), [change], activity, status)
        case "customerSubscription":
            change = subscription_change(
                source_account_id="",
                previous_status="OPTIN",
                current_status="OPTOUT",
                channel="SMS",
                source_name="INSTORE",
                priority="TRANS",
                ou_id=-1,
                ou_code="",
            )
            return customer_subscription_data(ids, [change])
        case "groupCreated" | "groupUpdated":
            return group_event_data(**group, entered_by=ENTERED_BY, changed_at=CHANGED_AT)
        case "groupMemberAdded":
            added = _member(8, "MEMBER")
            return group_event_data(
                **group, member_added=added, entered_by=ENTERED_BY, changed_at=CHANGED_AT
            )
        case "groupMemberRemoved":
            removed = _member(8, "MEMBER")
            return group_event_data(
                **group, member_removed=removed, entered_by=ENTERED_BY, changed_at=CHANGED_AT
            )
        case "pointsContributionToGroup":
            activity = contribution_activity(
                name="TRANSACTION_ADD",
                identifiers={"billNumber": "B-1"},
                entered_by=ENTERED_BY,
                entity_type="TRANSACTION",
                entity_id=4348,
                additional_attributes={"channel": "POS"},
            )
            program = loyalty_program_details(
                program_id=855,
                name="Default",
                is_default=True,
                points_to_currency_ratio=0.5,
                tiers=[(1, "Silver")],
            )
            return points_contribution_data(
                group_id=2146,
                group_name="Lee family",
                primary_member=_member(7, "PRIMARY"),
                contributing_member=_member(8, "MEMBER"),
                activity=activity,
                program=program,
                points=120.0,
            )
        case "partnerProgramUpdated":
            return _partner(name, ids, membership=_membership(), update_type="UPGRADE")
        case "partnerProgramDelinked" | "supplementaryMembershipExpiryReminder":
            return _partner(name, ids)
        case _:
            return _partner(name, ids, membership=_membership())


def enriched_like_data(name: str) -> dict[str, Any]:
    """Return the ``data`` of the customer the enriched (or flat) sample of ``name`` shows."""
    mobile, email, external = "6590688093", "rosma@example.com", "226682932023"
    match name:
        case "customerAdded":
            ids = identifiers_of(1, {"mobile": mobile, "email": email, "externalId": external})
            return profile_data(ids)
        case "customerUpdated":
            ids = identifiers_of(1, {"email": email, "externalId": external})
            status = customer_status_change(
                previous_status="PENDING_DELETION",
                previous_label="Pending deletion",
                current_status="DELETED",
                current_label="Deleted",
                reason="User marked deleted using request feature",
            )
            activity = triggering_activity("PII_DELETION", "REQ_1")
            return customer_updated_data(profile_data(ids, extendedFields=[]), [], activity, status)
        case "partnerProgramLinked":
            ids = identifiers_of(1, {"mobile": mobile, "email": email})
            membership = partner_membership(membership_expiry_date=dt.date(2123, 5, 12))
            return _partner(name, ids, membership=membership)
        case "partnerProgramUpdated":
            ids = identifiers_of(1, {"mobile": mobile, "email": email, "externalId": external})
            membership = partner_membership(
                membership_number="123-asa3",
                partner_tier_number=2,
                partner_tier_expiry_date=dt.date(2021, 6, 29),
            )
            return _partner(name, ids, membership=membership, update_type="UPGRADE")
        case "partnerProgramDelinked":
            return _partner(name, identifiers_of(1, {"mobile": mobile, "email": email}))
        case _:
            ids = identifiers_of(1, {"mobile": mobile, "email": email, "externalId": external})
            return _partner(name, ids)
