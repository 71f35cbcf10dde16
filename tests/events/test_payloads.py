"""Payload builders: every event, both formats, key for key against the seed samples."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

from patron.db import Database, unit_of_work
from patron.events.catalogue import EventName
from patron.events.outbox import list_events
from patron.events.payloads import (
    SHAPES,
    PayloadError,
    PayloadFormat,
    UnknownEventError,
    build_payload,
)
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
from tests.conftest import Api
from tests.events.samples import (
    CHANGED_AT,
    CREATED_AT,
    ENRICHED,
    ENTERED_BY,
    FLAT,
    ORG_ID,
    PII_ENRICHED,
    RAW,
    ROW_ID,
    WRAPPED_RAW,
    full_identifiers,
    identifiers_of,
    key_structure,
    load_samples,
    make_event,
    profile_data,
    raw_to_enriched_structure,
    sample,
)
from tests.factories import profile, registration, unique_mobile

SENT_AT = 1683874799984
ALL_EVENTS = [name.value for name in EventName]
WITH_ENRICHED_SAMPLE = ["customerAdded", "partnerProgramLinked", "partnerProgramDelinked"]
WITH_FLAT_SAMPLE = ["partnerProgramUpdated", "supplementaryMembershipExpiryReminder"]
WITHOUT_ENRICHED_SAMPLE = [
    "customerSubscription",
    "groupCreated",
    "groupUpdated",
    "groupMemberAdded",
    "groupMemberRemoved",
    "pointsContributionToGroup",
]


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


def built(name: str, fmt: PayloadFormat, *, like: str = RAW) -> dict[str, Any]:
    data = raw_like_data(name) if like == RAW else enriched_like_data(name)
    return build_payload(make_event(name, data), fmt, sent_at_ms=SENT_AT)


def envelope_structure(payload: dict[str, Any]) -> Any:
    """Return the key structure with the free-form ``traceAttributes`` map left out."""
    trimmed = {k: v for k, v in payload.items() if k != "traceAttributes"}
    return key_structure(trimmed)


def test_every_sample_of_the_documents_is_extracted() -> None:
    found = sorted((s.event, s.kind) for s in load_samples())
    expected = [(name, RAW) for name in ALL_EVENTS]
    expected += [(name, ENRICHED) for name in WITH_ENRICHED_SAMPLE]
    expected += [(name, FLAT) for name in WITH_FLAT_SAMPLE]
    expected += [("customerUpdated", PII_ENRICHED), ("customerUpdated", WRAPPED_RAW)]
    assert found == sorted(expected)


def test_every_catalogue_event_has_builders() -> None:
    assert set(SHAPES) == set(ALL_EVENTS)


@pytest.mark.parametrize("name", ALL_EVENTS)
def test_raw_payload_has_the_raw_sample_keys(name: str) -> None:
    expected = sample(name, RAW)
    payload = built(name, PayloadFormat.RAW)
    assert envelope_structure(payload) == envelope_structure({"eventLogId": 0, **expected})
    assert isinstance(payload["traceAttributes"], dict)


@pytest.mark.parametrize("name", WITH_ENRICHED_SAMPLE)
def test_enriched_payload_has_the_enriched_sample_keys(name: str) -> None:
    payload = built(name, PayloadFormat.ENRICHED, like=ENRICHED)
    assert key_structure(payload) == key_structure(sample(name, ENRICHED))


def test_enriched_customer_updated_has_the_pii_sample_keys_plus_activity() -> None:
    expected = copy.deepcopy(sample("customerUpdated", PII_ENRICHED))
    expected["attributes"]["data"]["triggeringActivity"] = {"name": "", "requestId": ""}
    payload = built("customerUpdated", PayloadFormat.ENRICHED, like=ENRICHED)
    assert key_structure(payload) == key_structure(expected)


@pytest.mark.parametrize("name", WITH_FLAT_SAMPLE)
def test_enriched_payload_of_a_flat_sample_carries_its_data_and_identity(name: str) -> None:
    flat = sample(name, FLAT)
    payload = built(name, PayloadFormat.ENRICHED, like=ENRICHED)
    assert key_structure(payload["attributes"]["data"]) == key_structure(flat["data"])
    assert set(flat) - {"loyaltyEventId"} <= set(payload) | set(payload["attributes"])
    assert set(payload) == set(sample("customerAdded", ENRICHED))


@pytest.mark.parametrize("name", WITHOUT_ENRICHED_SAMPLE)
def test_enriched_payload_without_sample_is_the_raw_data_reduced(name: str) -> None:
    payload = built(name, PayloadFormat.ENRICHED)
    expected_data = raw_to_enriched_structure(key_structure(sample(name, RAW)["data"]))
    assert key_structure(payload["attributes"]["data"]) == expected_data
    envelope = sample("customerAdded", ENRICHED)
    assert set(payload) == set(envelope)
    assert set(payload["attributes"]) == set(envelope["attributes"])


def test_wrapped_customer_updated_sample_is_raw_shaped() -> None:
    wrapped = sample("customerUpdated", WRAPPED_RAW)["data"]
    payload = built("customerUpdated", PayloadFormat.RAW)
    assert set(payload) == set(wrapped) | {"eventLogId"}
    assert set(payload["data"]) == set(wrapped["data"])


@pytest.mark.parametrize("name", ALL_EVENTS)
def test_enriched_envelope_carries_the_event_identity(name: str) -> None:
    event = make_event(name, raw_like_data(name))
    payload = build_payload(event, PayloadFormat.ENRICHED, "group-7", sent_at_ms=SENT_AT)
    assert payload["eventId"] == event.event_id
    assert payload["eventType"] == f"{ORG_ID}_{name}"
    assert payload["consumerGroupId"] == "group-7"
    assert payload["actionType"] == "START"
    assert payload["timeStamp"] == SENT_AT
    attributes = payload["attributes"]
    assert attributes["createdAt"] == clock.epoch_ms(CREATED_AT) == 1683874799971
    assert attributes["eventName"] == name
    assert attributes["refId"] == f"{ORG_ID}_164875382"
    assert attributes["apiRequestId"] == event.api_request_id
    assert attributes["orgId"] == ORG_ID


@pytest.mark.parametrize("name", ALL_EVENTS)
def test_raw_envelope_carries_the_row_and_the_stored_data(name: str) -> None:
    event = make_event(name, raw_like_data(name))
    payload = build_payload(event, PayloadFormat.RAW)
    assert payload["eventLogId"] == ROW_ID
    assert payload["eventId"] == event.event_id
    assert payload["eventName"] == name
    assert payload["refId"] == event.ref_id
    assert payload["apiRequestId"] == event.api_request_id
    assert payload["createdAt"] == 1683874799971
    assert payload["orgId"] == ORG_ID
    assert payload["loyaltyEventId"] is None
    assert payload["data"] == event.data


@pytest.mark.parametrize("fmt", list(PayloadFormat))
@pytest.mark.parametrize("name", ALL_EVENTS)
def test_taobao_profiles_appear_under_the_documented_toabao_key(
    name: str, fmt: PayloadFormat
) -> None:
    text = repr(built(name, fmt))
    assert "'toabao': {'accounts': [{'accountId': 'TAOBAO-1'" in text
    assert "'taobao'" not in text


def test_enriched_customer_added_renders_values_as_the_sample() -> None:
    data = built("customerAdded", PayloadFormat.ENRICHED)["attributes"]["data"]
    assert data["loyaltyType"] == "LOYALTY"
    assert data["source"] == "instore"
    assert data["enteredBy"] == {k: v for k, v in ENTERED_BY.items() if k != "user"}
    instore = data["customerIdentifiers"]["instore"]
    assert instore == {
        "mobile": "6282396092287",
        "email": "rosma@example.com",
        "externalId": "226682932023",
        "cardnumber": "CARD-0001",
        "cardexternalid": "CARD-EXT-0001",
        "cardNumbers": ["CARD-0001"],
    }


def test_enriched_customer_updated_keeps_stored_casing_and_drops_raw_only_detail() -> None:
    data = built("customerUpdated", PayloadFormat.ENRICHED)["attributes"]["data"]
    assert (data["loyaltyType"], data["source"]) == ("loyalty", "INSTORE")
    assert data["updatedFields"] == [
        {
            "fieldName": "gender",
            "previousValue": "Female",
            "currentValue": "Male",
            "fieldType": "ExtendedField",
        }
    ]
    assert data["customerStatus"] == {"currentLabel": "Suspended", "reason": "Fraud review"}
    assert data["triggeringActivity"] == {"name": "PROFILE_UPDATE", "requestId": "REQ_98765"}


def test_enriched_customer_updated_keeps_an_empty_card_list() -> None:
    payload = built("customerUpdated", PayloadFormat.ENRICHED, like=ENRICHED)
    instore = payload["attributes"]["data"]["customerIdentifiers"]["instore"]
    assert instore == {
        "email": "rosma@example.com",
        "externalId": "226682932023",
        "cardNumbers": [],
    }


def test_enriched_partner_details_leave_out_what_is_not_set() -> None:
    linked = built("partnerProgramLinked", PayloadFormat.ENRICHED, like=ENRICHED)
    details = linked["attributes"]["data"]["customerPartnerProgramDetails"]
    assert details == {"membershipExpiryDate": "2123-05-12"}
    raw = built("partnerProgramLinked", PayloadFormat.RAW, like=ENRICHED)
    assert raw["data"]["customerPartnerProgramDetails"]["partnerTierNumber"] is None
    assert raw["data"]["entityInformation"] == {"entityType": "USER", "entityId": 1}


def test_building_leaves_the_stored_data_untouched() -> None:
    event = make_event("pointsContributionToGroup", raw_like_data("pointsContributionToGroup"))
    before = copy.deepcopy(event.data)
    for fmt in PayloadFormat:
        build_payload(event, fmt)["data" if fmt == PayloadFormat.RAW else "attributes"] = None
    assert event.data == before


def test_enriched_timestamp_defaults_to_the_send_time() -> None:
    before = clock.epoch_ms(clock.now())
    event = make_event("customerAdded", raw_like_data("customerAdded"))
    stamp = build_payload(event, PayloadFormat.ENRICHED)["timeStamp"]
    assert before <= stamp <= clock.epoch_ms(clock.now())


def test_unknown_event_name_is_refused_by_name() -> None:
    event = make_event("customerVanished", {})
    with pytest.raises(UnknownEventError, match="customerVanished"):
        build_payload(event, PayloadFormat.RAW)


def test_data_missing_a_documented_key_is_refused() -> None:
    event = make_event("customerAdded", {"source": "INSTORE"})
    with pytest.raises(PayloadError, match=event.event_id):
        build_payload(event, PayloadFormat.ENRICHED)


def test_registered_customer_renders_as_both_samples(api: Api, db: Database) -> None:
    mobile = unique_mobile()
    identifiers = [
        {"type": "mobile", "value": mobile},
        {"type": "email", "value": f"{mobile}@example.com"},
        {"type": "externalId", "value": f"ext-{mobile}"},
    ]
    response = api.post(
        "/v2/customers",
        json=registration(profile(identifiers=identifiers)),
        headers={"X-CAP-REQUEST-ID": "rq-payload-1"},
    )
    customer_id = response.json()["createdId"]
    with unit_of_work(db.read_session) as session:
        (event,) = list_events(session, api.org.org_id, name=EventName.CUSTOMER_ADDED)
    enriched = build_payload(event, PayloadFormat.ENRICHED)
    assert key_structure(enriched) == key_structure(sample("customerAdded", ENRICHED))
    assert enriched["eventType"] == f"{api.org.org_id}_customerAdded"
    assert enriched["attributes"]["refId"] == f"{api.org.org_id}_{customer_id}"
    assert enriched["attributes"]["apiRequestId"] == "rq-payload-1"
    assert enriched["attributes"]["createdAt"] == clock.epoch_ms(event.created_at)
    assert enriched["attributes"]["data"]["customerIdentifiers"] == {
        "customerId": customer_id,
        "instore": {
            "mobile": mobile,
            "email": f"{mobile}@example.com",
            "externalId": f"ext-{mobile}",
        },
    }
    raw = build_payload(event, PayloadFormat.RAW)
    raw_sample = sample("customerAdded", RAW)
    assert set(raw) == set(raw_sample)
    assert set(raw["data"]) == set(raw_sample["data"])
    assert raw["eventLogId"] == event.id
    assert raw["eventId"] == enriched["eventId"] == event.event_id
    assert raw["data"]["customerIdentifiers"]["instore"]["cardNumbers"] == []
