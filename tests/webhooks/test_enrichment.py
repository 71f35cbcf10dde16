"""customerIdentifiersToBeEnriched: which identifiers the enriched payloads carry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from patron.events.models import Event
from patron.events.payloads import PayloadFormat, build_payload
from patron.webhooks.enrichment import stored_identifier_types

ENTERED_BY = {"user": {"username": "t"}, "id": 1, "till": {"code": "t", "name": "T"}, "store": {}}


def identifiers(customer_id: int = 42) -> dict[str, Any]:
    return {
        "customerId": customer_id,
        "firstName": "Rosma",
        "lastName": "Dewi",
        "loyaltyType": "loyalty",
        "instore": {
            "id": customer_id * 10,
            "mobile": "6282396092287",
            "email": "rosma@example.com",
            "externalId": "EXT-1",
            "cardnumber": "CARD-1",
            "cardexternalid": "CARD-EXT-1",
            "cardNumbers": ["CARD-1"],
        },
        "wechat": {
            "accounts": [
                {
                    "accountId": "WECHAT-CM",
                    "identifiers": [
                        {"identifierType": "wechat", "identifierValue": "wx-1"},
                        {"identifierType": "mobile", "identifierValue": "6282396092287"},
                    ],
                }
            ]
        },
    }


def event(name: str, data: dict[str, Any]) -> Event:
    return Event(
        id=1,
        event_id="81b1f0ce-8119-4826-9cca-610bd31d4038",
        org_id=100,
        event_name=name,
        ref_id="100_42",
        api_request_id="",
        entity_id=42,
        created_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
        data=data,
    )


def customer_added() -> Event:
    return event(
        "customerAdded",
        {
            "loyaltyType": "loyalty",
            "source": "INSTORE",
            "accountId": "",
            "firstName": "Rosma",
            "lastName": "Dewi",
            "enteredAt": 1,
            "enteredBy": ENTERED_BY,
            "customerIdentifiers": identifiers(),
            "customFields": [],
            "extendedFields": [],
        },
    )


def enriched_identifiers(source: Event, types: list[str]) -> Any:
    payload = build_payload(source, PayloadFormat.ENRICHED, identifier_types=types)
    return payload["attributes"]["data"]["customerIdentifiers"]


def test_named_types_restrict_every_source_block() -> None:
    assert enriched_identifiers(customer_added(), ["mobile", "cardnumber"]) == {
        "customerId": 42,
        "instore": {"mobile": "6282396092287", "cardnumber": "CARD-1", "cardNumbers": ["CARD-1"]},
        "wechat": {
            "accounts": [
                {
                    "accountId": "WECHAT-CM",
                    "identifiers": [
                        {"identifierType": "mobile", "identifierValue": "6282396092287"}
                    ],
                }
            ]
        },
    }


def test_card_external_id_keeps_the_cards_external_id_only() -> None:
    restricted = enriched_identifiers(customer_added(), ["cardExternalId"])
    assert restricted["instore"] == {"cardexternalid": "CARD-EXT-1"}
    assert restricted["wechat"]["accounts"] == [{"accountId": "WECHAT-CM", "identifiers": []}]


def test_no_types_keep_the_whole_enriched_payload() -> None:
    instore = {k: v for k, v in identifiers()["instore"].items() if k != "id"}
    assert enriched_identifiers(customer_added(), []) == {
        "customerId": 42,
        "instore": instore,
        "wechat": identifiers()["wechat"],
    }


def test_group_members_identifiers_are_restricted_too() -> None:
    member = {"firstName": "Ann", "lastName": "Lee", "role": "MEMBER"}
    group = event(
        "groupMemberAdded",
        {
            "groupId": 7,
            "groupName": "family",
            "primaryMember": {**member, "customerIdentifiers": identifiers(1)},
            "memberAdded": {**member, "customerIdentifiers": identifiers(2)},
            "enteredAt": 1,
            "enteredBy": ENTERED_BY,
        },
    )
    data = build_payload(group, PayloadFormat.ENRICHED, identifier_types=["email"])
    for key, customer_id in (("primaryMember", 1), ("memberAdded", 2)):
        assert data["attributes"]["data"][key]["customerIdentifiers"]["customerId"] == customer_id
        assert data["attributes"]["data"][key]["customerIdentifiers"]["instore"] == {
            "email": "rosma@example.com"
        }


def test_the_raw_format_keeps_every_identifier() -> None:
    source = customer_added()
    raw = build_payload(source, PayloadFormat.RAW, identifier_types=["email"])
    assert raw["data"]["customerIdentifiers"] == identifiers()


def test_stored_names_patron_does_not_know_are_ignored() -> None:
    assert stored_identifier_types(["Mobile", "shoeSize", "mobile"]) == ["mobile"]
    assert stored_identifier_types(["shoeSize"]) == []
