"""POST /v2/customers?source=&accountId=: the legacy form naming the source in the query."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.helpers import codes
from tests.conftest import Api
from tests.factories import profile, registration


def sourceless(**extra: Any) -> dict[str, Any]:
    """A profile that names no source."""
    body = profile(**extra)
    del body["source"]
    return body


def sources_of(api: Api, customer_id: int) -> list[tuple[str, str]]:
    fetched = api.get(f"/v2/customers/{customer_id}?source=ALL").json()
    return sorted((p["source"], p["accountId"]) for p in fetched["profiles"])


def test_query_source_applies_to_a_profile_that_names_none(api: Api) -> None:
    customer_id = register_in(api, "source=WECHAT&accountId=WECHAT-CM", sourceless())
    assert sources_of(api, customer_id) == [("WECHAT", "WECHAT-CM")]


def test_profile_naming_a_source_keeps_it(api: Api) -> None:
    body = registration(sourceless(), profile())
    response = api.post("/v2/customers?source=WECHAT&accountId=WECHAT-CM", json=body)
    assert response.status_code == 200, response.text
    assert sources_of(api, response.json()["createdId"]) == [
        ("INSTORE", ""),
        ("WECHAT", "WECHAT-CM"),
    ]


def test_profile_without_source_may_name_its_own_account(api: Api) -> None:
    customer_id = register_in(api, "source=MOBILE_APP&accountId=400", sourceless(accountId="400"))
    assert sources_of(api, customer_id) == [("MOBILE_APP", "400")]


def test_query_source_is_case_insensitive(api: Api) -> None:
    customer_id = register_in(api, "source=instore", sourceless())
    assert sources_of(api, customer_id) == [("INSTORE", "")]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("source=MYSPACE", 8012),
        ("source=ALL", 8012),
        ("source=WECHAT", 8045),
        ("source=WECHAT&accountId=NOPE", 8011),
    ],
)
def test_invalid_query_source_gets_its_code(api: Api, query: str, code: int) -> None:
    response = api.post(f"/v2/customers?{query}", json=registration(sourceless()))
    assert response.status_code == 400
    assert codes(response) == [code]


def test_invalid_query_source_is_refused_even_when_profiles_name_theirs(api: Api) -> None:
    response = api.post("/v2/customers?source=MYSPACE", json=registration(profile()))
    assert response.status_code == 400
    assert codes(response) == [8012]


def test_query_source_not_enabled_for_the_org_is_8011(app_client: Any, db: Any) -> None:
    from tests.conftest import make_org

    api = Api(app_client, make_org(db, sources={"INSTORE": {}}))
    response = api.post("/v2/customers?source=TMALL", json=registration(sourceless()))
    assert response.status_code == 400
    assert codes(response) == [8011]


def test_without_query_source_a_profile_naming_none_is_still_8012(api: Api) -> None:
    response = api.post("/v2/customers?accountId=WECHAT-CM", json=registration(sourceless()))
    assert response.status_code == 400
    assert codes(response) == [8012]


def register_in(api: Api, query: str, body_profile: dict[str, Any]) -> int:
    response = api.post(f"/v2/customers?{query}", json=registration(body_profile))
    assert response.status_code == 200, response.text
    return int(response.json()["createdId"])
