"""GET /v2/customers/lookup and /lookup/customerDetails."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api
from tests.factories import profile, register_sample, registration, unique_mobile


def error_code(response: Any) -> int:
    return int(response.json()["errors"][0]["code"])


def test_seed_customer_is_found_by_lookup_and_details(api: Api) -> None:
    created = api.post("/v2/customers", json=register_sample()).json()["createdId"]
    found = api.get(
        "/v2/customers/lookup?source=MOBILE_APP&accountId=400&identifierName=mobile&identifierValue=919010000022"
    )
    assert found.status_code == 200
    assert found.json() == {"entity": created, "warnings": []}
    details = api.get(
        "/v2/customers/lookup/customerDetails?source=MOBILE_APP&accountId=400&identifierName=cardnumber&identifierValue=test123112121"
    ).json()
    assert details["id"] == created
    assert details["profiles"][0]["source"] == "MOBILE_APP"


def test_lookup_across_all_sources(api: Api) -> None:
    mobile = unique_mobile()
    created = api.post(
        "/v2/customers", json=registration(profile(mobile, source="WECHAT", account_id="WECHAT-CM"))
    ).json()["createdId"]
    assert (
        api.get(
            f"/v2/customers/lookup?source=ALL&identifierName=mobile&identifierValue={mobile}"
        ).json()["entity"]
        == created
    )


def test_lookup_by_card_external_id(api: Api) -> None:
    card = {
        "type": "cardnumber",
        "value": "GOLD-7",
        "seriesCode": "DEMO-EXT",
        "cardExternalId": "card-uuid-7",
    }
    created = api.post(
        "/v2/customers",
        json=registration(
            profile(identifiers=[{"type": "mobile", "value": unique_mobile()}, card])
        ),
    ).json()["createdId"]
    found = api.get(
        "/v2/customers/lookup?source=INSTORE&identifierName=cardExternalId&identifierValue=card-uuid-7"
    )
    assert found.json()["entity"] == created


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("source=INSTORE&identifierName=mobile&identifierValue=919800099999", 404, 8015),
        ("source=INSTORE&identifierName=shoe&identifierValue=42", 400, 8013),
        ("source=INSTORE&identifierName=mobile", 400, 8013),
        ("source=WECHAT&identifierName=mobile&identifierValue=919800099999", 400, 8045),
        (
            "source=WECHAT&accountId=NOPE&identifierName=mobile&identifierValue=919800099999",
            400,
            8011,
        ),
        ("source=ORKUT&identifierName=mobile&identifierValue=919800099999", 400, 8012),
    ],
)
def test_lookup_failures(api: Api, query: str, status: int, code: int) -> None:
    for path in ("/v2/customers/lookup", "/v2/customers/lookup/customerDetails"):
        response = api.get(f"{path}?{query}")
        assert response.status_code == status
        assert error_code(response) == code


def test_identifier_in_another_source_only_is_8065(api: Api) -> None:
    mobile = unique_mobile()
    api.post("/v2/customers", json=registration(profile(mobile)))
    response = api.get(
        f"/v2/customers/lookup?source=WEBSITE&identifierName=mobile&identifierValue={mobile}"
    )
    assert response.status_code == 404
    assert error_code(response) == 8065
