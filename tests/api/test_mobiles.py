"""Mobiles: how typed numbers are read and stored, and found again by lookup and search."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from patron.db import Database
from tests.api.helpers import codes, register
from tests.conftest import Api, make_org
from tests.factories import profile, registration


@pytest.fixture
def cn_api(app_client: TestClient, db: Database) -> Api:
    """An API client of an org whose national numbers are Chinese."""
    return Api(app_client, make_org(db, defaultRegion="CN"))


def stored_mobile(api: Api, customer_id: int) -> str:
    """Return the mobile the customer's INSTORE profile was stored with."""
    fetched = api.get(f"/v2/customers/{customer_id}?source=INSTORE").json()
    (mobile,) = [i["value"] for i in fetched["profiles"][0]["identifiers"] if i["type"] == "mobile"]
    return str(mobile)


def lookup(api: Api, value: str, source: str = "INSTORE") -> Any:
    return api.get(
        "/v2/customers/lookup",
        params={"source": source, "identifierName": "mobile", "identifierValue": value},
    )


def search_ids(api: Api, q: str) -> list[int]:
    response = api.get("/v2/customers/search", params={"q": q})
    assert response.status_code == 200, response.text
    return [d["userId"] for d in response.json()["data"]]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13015082048", "8613015082048"),
        ("13915082048", "8613915082048"),
        ("+13015082048", "13015082048"),
        ("008613915082048", "8613915082048"),
    ],
)
def test_cn_org_reads_numbers_valid_in_china_as_chinese(
    cn_api: Api, typed: str, stored: str
) -> None:
    customer_id = register(cn_api, registration(profile(typed)))
    assert stored_mobile(cn_api, customer_id) == stored


@pytest.mark.parametrize("typed", ["919010000022", "9010000022", "+91 90100 00022"])
def test_in_org_stores_indian_numbers_with_their_country_code(api: Api, typed: str) -> None:
    customer_id = register(api, registration(profile(typed)))
    assert stored_mobile(api, customer_id) == "919010000022"


def test_number_invalid_in_the_region_is_read_as_international(api: Api) -> None:
    customer_id = register(api, registration(profile("13015082048")))
    assert stored_mobile(api, customer_id) == "13015082048"


def test_number_invalid_everywhere_is_refused(cn_api: Api) -> None:
    response = cn_api.post("/v2/customers", json=registration(profile("1301508")))
    assert response.status_code == 400
    assert codes(response) == [1001]


@pytest.mark.parametrize(
    "typed",
    ["13015082048", "130 1508 2048", "8613015082048", "+86 130 1508 2048", "008613015082048"],
)
def test_lookup_finds_the_mobile_in_any_form_typed(cn_api: Api, typed: str) -> None:
    customer_id = register(cn_api, registration(profile("+86 130 1508 2048")))
    found = lookup(cn_api, typed)
    assert found.status_code == 200, found.text
    assert found.json()["entity"] == customer_id


def test_lookup_by_national_form_prefers_the_national_reading(cn_api: Api) -> None:
    american = register(cn_api, registration(profile("+13015082048")))
    chinese = register(cn_api, registration(profile("13015082048")))
    assert lookup(cn_api, "13015082048").json()["entity"] == chinese
    assert lookup(cn_api, "+13015082048").json()["entity"] == american


def test_lookup_by_stored_digits_finds_a_number_stored_under_the_older_rule(cn_api: Api) -> None:
    # The older rule stored 13015082048 typed in a CN org as this US number.
    customer_id = register(cn_api, registration(profile("+13015082048")))
    found = lookup(cn_api, "13015082048")
    assert found.json()["entity"] == customer_id


def test_customer_details_finds_the_mobile_by_its_national_form(cn_api: Api) -> None:
    customer_id = register(
        cn_api, registration(profile("+8613015082048", source="WECHAT", account_id="WECHAT-CM"))
    )
    details = cn_api.get(
        "/v2/customers/lookup/customerDetails",
        params={
            "source": "WECHAT",
            "accountId": "WECHAT-CM",
            "identifierName": "mobile",
            "identifierValue": "130-1508-2048",
        },
    )
    assert details.status_code == 200, details.text
    assert details.json()["id"] == customer_id


def test_lookup_of_an_unknown_mobile_is_still_8015(cn_api: Api) -> None:
    register(cn_api, registration(profile("13015082048")))
    response = lookup(cn_api, "13015082049")
    assert response.status_code == 404
    assert codes(response) == [8015]


def test_lookup_in_another_source_is_still_8065(cn_api: Api) -> None:
    register(cn_api, registration(profile("13015082048")))
    response = lookup(cn_api, "13015082048", source="WEBSITE")
    assert response.status_code == 404
    assert codes(response) == [8065]


@pytest.mark.parametrize("q", ["1391508", "139 1508", "+86139150", "0086139150", "86139150"])
def test_search_finds_a_mobile_by_a_prefix_in_any_form(cn_api: Api, q: str) -> None:
    customer_id = register(cn_api, registration(profile("13915082048")))
    register(cn_api, registration(profile("13815082048")))
    assert search_ids(cn_api, q) == [customer_id]


def test_search_by_national_prefix_drops_the_trunk_prefix(api: Api) -> None:
    customer_id = register(api, registration(profile("9010000022")))
    assert search_ids(api, "0901000") == [customer_id]


def test_search_lists_a_mobile_matching_two_forms_of_the_prefix_once(api: Api) -> None:
    # 91 is both the stored prefix of 919191234567 and, read nationally, 9191.
    customer_id = register(api, registration(profile("9191234567")))
    (match,) = api.get("/v2/customers/search", params={"q": "91"}).json()["data"]
    assert match["userId"] == customer_id
    assert [m["idValue"] for m in match["matchedIdentifiers"]] == ["919191234567"]


def test_search_by_national_prefix_matches_mobiles_only(cn_api: Api) -> None:
    identifiers = [
        {"type": "mobile", "value": "13015082048"},
        {"type": "externalId", "value": "86139150-X"},
    ]
    register(cn_api, registration(profile(identifiers=identifiers)))
    assert search_ids(cn_api, "139150") == []
