"""customerUpdated: profile fields name their source and account; customer-level fields do not."""

from __future__ import annotations

from typing import Any

from patron.db import Database
from patron.events.payloads import PayloadFormat, build_payload
from tests.api.helpers import events, register
from tests.conftest import Api
from tests.events.samples import RAW, sample
from tests.factories import profile, registration

WECHAT_QUERY = "source=WECHAT&accountId=WECHAT-CM"


def wechat_customer(api: Api, **registration_extra: Any) -> int:
    """Register an INSTORE customer with a WECHAT-CM profile."""
    customer_id = register(api, registration(profile(), **registration_extra))
    response = api.post(
        f"/v2/customers/{customer_id}/changeIdentifier?{WECHAT_QUERY}",
        json={"add": [{"type": "wechat", "value": f"wx-{customer_id}"}]},
    )
    assert response.status_code == 200, response.text
    return customer_id


def updated_fields(api: Api, db: Database, customer_id: int, body: dict[str, Any]) -> list[Any]:
    """Update through the WECHAT-CM profile and return the event's updatedFields."""
    response = api.put(f"/v2/customers/{customer_id}?{WECHAT_QUERY}", json=body)
    assert response.status_code == 200, response.text
    fields: list[Any] = events(db, api.org.org_id, "customerUpdated")[-1].data["updatedFields"]
    return fields


def test_name_changes_name_the_profiles_source(api: Api, db: Database) -> None:
    customer_id = wechat_customer(api)
    (entry,) = updated_fields(api, db, customer_id, {"profiles": [{"firstName": "Wei"}]})
    assert (entry["fieldType"], entry["source"], entry["accountId"]) == (
        "StandardField",
        "WECHAT",
        "WECHAT-CM",
    )


def test_custom_field_changes_name_the_profiles_source(api: Api, db: Database) -> None:
    customer_id = wechat_customer(api)
    body = {"profiles": [{"fields": {"city": "Shanghai"}}]}
    (entry,) = updated_fields(api, db, customer_id, body)
    assert (entry["fieldType"], entry["source"], entry["accountId"]) == (
        "CustomField",
        "WECHAT",
        "WECHAT-CM",
    )


def test_channel_changes_name_the_profiles_source(api: Api, db: Database) -> None:
    customer_id = wechat_customer(api)
    body = {"profiles": [{"commChannels": [{"type": "email", "value": "wei@example.com"}]}]}
    (entry,) = updated_fields(api, db, customer_id, body)
    assert (entry["fieldType"], entry["source"], entry["accountId"]) == (
        "CommChannel",
        "WECHAT",
        "WECHAT-CM",
    )


def test_customer_level_changes_name_no_source(api: Api, db: Database) -> None:
    customer_id = wechat_customer(api, loyalty_type="non_loyalty")
    body = {"loyaltyInfo": {"loyaltyType": "loyalty"}, "extendedFields": {"city": "Shanghai"}}
    entries = updated_fields(api, db, customer_id, body)
    assert sorted(e["fieldName"] for e in entries) == ["city", "loyaltyType"]
    assert all("source" not in e and "accountId" not in e for e in entries)


def test_raw_name_change_entry_has_the_samples_keys(api: Api, db: Database) -> None:
    customer_id = wechat_customer(api)
    updated_fields(api, db, customer_id, {"profiles": [{"lastName": "Zhang"}]})
    raw = build_payload(events(db, api.org.org_id, "customerUpdated")[-1], PayloadFormat.RAW)
    sample_entry = sample("customerUpdated", RAW)["data"]["updatedFields"][0]
    assert sample_entry["fieldType"] == "StandardField"
    assert set(raw["data"]["updatedFields"][0]) == set(sample_entry)
