"""customerUpdated events written by real requests have the seed samples' structure."""

from __future__ import annotations

from typing import Any

from patron.customers.tasks import run_pii_deletions
from patron.db import Database
from patron.events.payloads import PayloadFormat, build_payload
from tests.api.helpers import events, register
from tests.conftest import Api
from tests.events.samples import PII_ENRICHED, RAW, key_structure, sample
from tests.factories import profile, registration, unique_mobile

SOURCES_OF_SAMPLE = [
    profile(source=s, account_id=a, identifiers=[{"type": "cuid", "value": f"cuid-{s}"}])
    for s, a in (
        ("FACEBOOK", "FB-DEMO"),
        ("WEB_ENGAGE", "WE-DEMO"),
        ("WECHAT", "WECHAT-CM"),
        ("MARTJACK", "MJ-DEMO"),
        ("TMALL", None),
        ("TAOBAO", None),
        ("JD", None),
        ("ECOMMERCE", None),
        ("WEBSITE", None),
        ("LINE", "LINE-DEMO"),
    )
]


def everywhere(api: Api, mobile: str) -> int:
    """Register a customer with a profile in every source the samples show (cards included)."""
    instore = profile(
        identifiers=[
            {"type": "mobile", "value": mobile},
            {"type": "email", "value": f"{mobile}@example.com"},
            {"type": "externalId", "value": f"ext-{mobile}"},
            {"type": "cardnumber", "value": f"card-{mobile}", "cardExternalId": f"cx-{mobile}"},
        ],
        fields={"city": "Pune"},
    )
    customer_id = register(api, registration(instore, extendedFields={"gender": "Male"}))
    for item in SOURCES_OF_SAMPLE:
        ids = [dict(i, value=f"{i['value']}-{mobile}") for i in item["identifiers"]]
        response = api.post(
            f"/v2/customers/{customer_id}/changeIdentifier?source={item['source']}"
            + (f"&accountId={item['accountId']}" if "accountId" in item else ""),
            json={"add": ids},
        )
        assert response.status_code == 200, response.text
    return customer_id


def without(structure: Any, *keys: str) -> Any:
    return {k: v for k, v in structure.items() if k not in keys}


def test_status_change_raw_payload_matches_the_raw_sample(api: Api, db: Database) -> None:
    mobile = unique_mobile()
    everywhere(api, mobile)
    status = (
        f"/v2/customers/lookup/status?source=INSTORE&identifierName=mobile&identifierValue={mobile}"
    )
    assert api.put(status, json={"reason": "fraud check", "label": "Suspended"}).status_code == 200
    event = events(db, api.org.org_id, "customerUpdated")[-1]
    raw = build_payload(event, PayloadFormat.RAW)
    expected = key_structure(sample("customerUpdated", RAW))
    actual = key_structure(raw)
    # A status change updates no field, so its updatedFields list is empty.
    assert without(actual["data"], "updatedFields") == without(expected["data"], "updatedFields")
    # traceAttributes are free-form; patron sends none.
    assert without(actual, "data", "traceAttributes") == without(
        expected, "data", "traceAttributes"
    )
    assert raw["data"]["customerStatus"]["currentLabel"] == "Suspended"


def test_update_raw_field_entries_match_the_sample(api: Api, db: Database) -> None:
    mobile = unique_mobile()
    customer_id = register(api, registration(profile(mobile)))
    api.post(
        f"/v2/customers/{customer_id}/changeIdentifier?source=INSTORE",
        json={"add": [{"type": "email", "value": f"{mobile}@example.com"}]},
    )
    raw = build_payload(events(db, api.org.org_id, "customerUpdated")[-1], PayloadFormat.RAW)
    sample_entry = sample("customerUpdated", RAW)["data"]["updatedFields"][0]
    assert set(raw["data"]["updatedFields"][0]) == set(sample_entry)


def test_pii_deletion_enriched_payload_matches_the_pii_sample(api: Api, db: Database) -> None:
    mobile = unique_mobile()
    customer_id = register(
        api,
        registration(
            profile(
                identifiers=[
                    {"type": "mobile", "value": mobile},
                    {"type": "email", "value": f"{mobile}@example.com"},
                    {"type": "externalId", "value": f"ext-{mobile}"},
                ],
                fields={"city": "Pune"},
            )
        ),
    )
    status = (
        f"/v2/customers/lookup/status?source=INSTORE&identifierName=mobile&identifierValue={mobile}"
    )
    api.put(
        status,
        json={"reason": "User marked deleted using request feature", "label": "Pending Deletion"},
    )
    run_pii_deletions(db, api.client.app.state.blobs)  # type: ignore[attr-defined]
    event = events(db, api.org.org_id, "customerUpdated")[-1]
    enriched = build_payload(event, PayloadFormat.ENRICHED)
    pii = sample("customerUpdated", PII_ENRICHED)
    assert without(
        key_structure(enriched["attributes"]["data"]), "extendedFields", "customerIdentifiers"
    ) == without(key_structure(pii["attributes"]["data"]), "extendedFields", "customerIdentifiers")
    assert set(key_structure(enriched["attributes"])) == set(key_structure(pii["attributes"]))
    data = enriched["attributes"]["data"]
    assert data["customerStatus"] == {
        "currentLabel": "Deleted",
        "reason": "User marked deleted using request feature",
    }
    assert data["updatedFields"] == []
    assert data["customerIdentifiers"]["customerId"] == customer_id
    assert data["customerIdentifiers"]["instore"]["email"] == f"{mobile}@example.com"
    assert enriched["attributes"]["apiRequestId"] == ""
