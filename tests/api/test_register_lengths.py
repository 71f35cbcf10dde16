"""POST /v2/customers: over-long values are refused with a documented code on every backend."""

from __future__ import annotations

from typing import Any

from tests.api.helpers import codes, register
from tests.conftest import Api
from tests.factories import profile, registration, unique_mobile


def card(external_id: str) -> dict[str, Any]:
    return {"type": "cardnumber", "value": "CARD-LEN", "cardExternalId": external_id}


def with_card(mobile: str, external_id: str) -> dict[str, Any]:
    return registration(
        profile(identifiers=[{"type": "mobile", "value": mobile}, card(external_id)])
    )


def not_registered(api: Api, mobile: str) -> bool:
    response = api.get(
        "/v2/customers/lookup",
        params={"source": "ALL", "identifierName": "mobile", "identifierValue": mobile},
    )
    return bool(response.status_code == 404)


def test_associated_with_over_100_characters_is_400(api: Api) -> None:
    mobile = unique_mobile()
    response = api.post(
        "/v2/customers", json=registration(profile(mobile), associatedWith="t" * 101)
    )
    assert response.status_code == 400
    assert codes(response) == [400]
    assert "associatedWith is longer than 100 characters" in response.json()["errors"][0]["message"]
    assert not_registered(api, mobile)


def test_associated_with_of_100_characters_is_kept(api: Api) -> None:
    customer_id = register(api, registration(profile(), associatedWith="t" * 100))
    fetched = api.get(f"/v2/customers/{customer_id}").json()
    assert fetched["associatedWith"] == "t" * 100


def test_card_external_id_over_255_characters_is_8013(api: Api) -> None:
    mobile = unique_mobile()
    response = api.post("/v2/customers", json=with_card(mobile, "x" * 256))
    assert response.status_code == 400
    assert codes(response) == [8013]
    assert "cardExternalId is longer than 255 characters" in response.json()["errors"][0]["message"]
    assert not_registered(api, mobile)


def test_card_external_id_of_255_characters_is_found_by_lookup(api: Api) -> None:
    external_id = "x" * 255
    customer_id = register(api, with_card(unique_mobile(), external_id))
    found = api.get(
        "/v2/customers/lookup",
        params={
            "source": "INSTORE",
            "identifierName": "cardExternalId",
            "identifierValue": external_id,
        },
    )
    assert found.json()["entity"] == customer_id
