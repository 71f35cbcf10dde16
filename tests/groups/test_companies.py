"""``POST`` and ``GET /v2/companies``: fleet companies of a hierarchy."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.helpers import codes
from tests.conftest import Api

PATH = "/v2/companies"


def company(external_id: str = "ACME", **extra: Any) -> dict[str, Any]:
    """Return a company of ``demo-fleet``."""
    return {
        "name": "Acme",
        "externalId": external_id,
        "hierarchyDefinitionCode": "demo-fleet",
        **extra,
    }


def create(api: Api, body: dict[str, Any]) -> int:
    """Create a company and return its id."""
    response = api.post(PATH, json=body)
    assert response.status_code == 200, response.text
    assert response.json()["warnings"] == []
    company_id: int = response.json()["entity"]
    return company_id


def test_a_company_is_created_and_read_back(api: Api) -> None:
    company_id = create(api, company())
    response = api.get(PATH, params={"externalId": "ACME"})
    assert response.status_code == 200
    entity = response.json()["entity"]
    assert entity["id"] == company_id
    assert (entity["externalId"], entity["name"], entity["hierarchyCode"]) == (
        "ACME",
        "Acme",
        "demo-fleet",
    )
    assert entity["parentCompany"] is None
    assert entity["hierarchyId"] > 0


def test_a_company_below_a_parent_company_shows_it(api: Api) -> None:
    parent_id = create(api, company("HOLDING"))
    create(api, company("BRANCH", parentCompany={"externalId": "HOLDING"}))
    entity = api.get(PATH, params={"externalId": "BRANCH"}).json()["entity"]
    assert entity["parentCompany"] == {"externalId": "HOLDING", "companyId": parent_id}


def test_a_taken_external_id_is_1605(api: Api) -> None:
    create(api, company())
    response = api.post(PATH, json=company(name="Other"))
    assert response.status_code == 409
    assert codes(response) == [1605]


def test_an_unknown_hierarchy_is_1602(api: Api) -> None:
    response = api.post(PATH, json=company(hierarchyDefinitionCode="nothing"))
    assert response.status_code == 404
    assert codes(response) == [1602]


def test_a_missing_hierarchy_is_1602(api: Api) -> None:
    body = company()
    del body["hierarchyDefinitionCode"]
    response = api.post(PATH, json=body)
    assert response.status_code == 400
    assert codes(response) == [1602]


def test_an_unknown_parent_company_is_1606(api: Api) -> None:
    response = api.post(PATH, json=company(parentCompany={"externalId": "NONE"}))
    assert response.status_code == 404
    assert codes(response) == [1606]


def test_a_parent_company_of_another_hierarchy_is_1606(api: Api) -> None:
    roles = [{"code": "A", "childRoleCode": "B"}, {"code": "B"}]
    api.post("/v2/fleetHierarchy", json={"code": "other", "roles": roles})
    create(api, company("OTHER-HOLDING", hierarchyDefinitionCode="other"))
    response = api.post(PATH, json=company(parentCompany={"externalId": "OTHER-HOLDING"}))
    assert response.status_code == 400
    assert codes(response) == [1606]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": None}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "n" * 201}, "name"),
        ({"externalId": None}, "externalId"),
        ({"externalId": "x" * 101}, "externalId"),
    ],
)
def test_a_missing_or_over_long_field_is_400(api: Api, change: dict[str, Any], field: str) -> None:
    response = api.post(PATH, json={**company(), **change})
    assert response.status_code == 400
    assert codes(response) == [400]
    assert field in response.json()["errors"][0]["message"]


def test_an_unknown_company_is_1606(api: Api) -> None:
    response = api.get(PATH, params={"externalId": "NONE"})
    assert response.status_code == 404
    assert codes(response) == [1606]


def test_reading_needs_an_external_id(api: Api) -> None:
    response = api.get(PATH)
    assert response.status_code == 400
    assert codes(response) == [400]
