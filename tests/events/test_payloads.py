"""Payload builders: every event, both formats, key for key against the seed samples."""

from __future__ import annotations

import copy
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
from patron.kit import clock
from tests.conftest import Api
from tests.events.samples import (
    ENRICHED,
    FLAT,
    PII_ENRICHED,
    RAW,
    WRAPPED_RAW,
    key_structure,
    load_samples,
    raw_to_enriched_structure,
    sample,
)
from tests.events.stored import (
    CREATED_AT,
    ENTERED_BY,
    ORG_ID,
    ROW_ID,
    enriched_like_data,
    make_event,
    raw_like_data,
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


def _scramble(value: Any) -> None:
    """Empty every dict and list inside ``value``, depth first."""
    items = list(value.values()) if isinstance(value, dict) else value
    for item in items:
        if isinstance(item, dict | list):
            _scramble(item)
    value.clear()


@pytest.mark.parametrize("fmt", list(PayloadFormat))
@pytest.mark.parametrize("name", ALL_EVENTS)
def test_building_leaves_the_stored_data_untouched(name: str, fmt: PayloadFormat) -> None:
    event = make_event(name, raw_like_data(name))
    before = copy.deepcopy(event.data)
    _scramble(build_payload(event, fmt))
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
