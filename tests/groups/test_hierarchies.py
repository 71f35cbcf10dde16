"""``POST`` and ``GET /v2/fleetHierarchy``: hierarchies defined through the API beside the org
file's."""

from __future__ import annotations

from typing import Any

import pytest

from patron.db import Database, unit_of_work
from patron.groups import repository
from tests.api.helpers import codes
from tests.conftest import Api
from tests.factories import unique_mobile
from tests.groups.test_associations import owner_item, written

PATH = "/v2/fleetHierarchy"


def definition(code: str = "api-fleet", **options: Any) -> dict[str, Any]:
    """Return a valid three-role definition."""
    return {
        "code": code,
        "name": "API fleet",
        "description": "defined through the API",
        "roles": [
            {"code": "HQ", "childRoleCode": "BOSS", "maxChild": 3},
            {
                "code": "BOSS",
                "childRoleCode": "HAND",
                "maxChild": 5,
                "pointsAggregationRole": True,
            },
            {
                "code": "HAND",
                "permissions": [
                    {"permissionCode": "block_points_transfer", "permissionValue": True}
                ],
            },
        ],
        "autoGroupCreationEnabled": True,
        **options,
    }


def test_a_definition_is_stored_and_answered_with_ids(api: Api) -> None:
    response = api.post(PATH, json=definition())
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["warnings"] == []
    entity = answer["entity"]
    assert entity["id"] > 0
    assert (entity["code"], entity["name"], entity["definedIn"]) == (
        "api-fleet",
        "API fleet",
        "API",
    )
    assert [r["code"] for r in entity["roles"]] == ["HQ", "BOSS", "HAND"]
    assert all(isinstance(r["id"], int) for r in entity["roles"])
    assert len({r["id"] for r in entity["roles"]}) == 3
    assert entity["roles"][1]["pointsAggregationRole"] is True
    assert entity["roles"][2]["permissions"] == [
        {"permissionCode": "block_points_transfer", "permissionValue": True}
    ]
    assert (entity["autoGroupCreationEnabled"], entity["hierarchyCreationStrict"]) == (True, False)


def test_a_stored_definition_is_read_back_by_code(api: Api) -> None:
    made = api.post(PATH, json=definition()).json()["entity"]
    response = api.get(PATH, params={"code": "API-FLEET"})
    assert response.status_code == 200
    assert response.json()["entity"] == made


def test_a_taken_code_is_1601(api: Api) -> None:
    api.post(PATH, json=definition())
    response = api.post(PATH, json=definition("API-fleet"))
    assert response.status_code == 409
    assert codes(response) == [1601]


def test_the_org_file_hierarchy_code_is_taken(api: Api) -> None:
    response = api.post(PATH, json=definition("demo-fleet"))
    assert response.status_code == 409
    assert codes(response) == [1601]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"roles": [{"code": "ONLY"}]}, "2 to 8 roles"),
        (
            {
                "roles": [{"code": f"R{i}", "childRoleCode": f"R{i + 1}"} for i in range(8)]
                + [{"code": "R8"}]
            },
            "2 to 8 roles",
        ),
        ({"roles": [{"code": "A", "childRoleCode": "Z"}, {"code": "B"}]}, "is not a role"),
        (
            {"roles": [{"code": "A", "childRoleCode": "B"}, {"code": "B", "childRoleCode": "A"}]},
            "chain",
        ),
        ({"roles": [{"code": "A"}, {"code": "B"}]}, "chain"),
        ({"roles": [{"code": "A", "childRoleCode": "B"}, {"code": "a"}]}, "unique"),
        (
            {"roles": [{"code": "A", "childRoleCode": "B", "maxChild": 0}, {"code": "B"}]},
            "maxChild",
        ),
        (
            {"roles": [{"code": "A", "childRoleCode": "B", "maxChild": 1e23}, {"code": "B"}]},
            "maxChild",
        ),
        ({"code": ""}, "code"),
        ({"code": "  "}, "blank"),
        ({"code": "x" * 51}, "code"),
        ({"roles": "many"}, "roles"),
    ],
)
def test_a_bad_definition_is_1603_naming_the_problem(
    api: Api, change: dict[str, Any], problem: str
) -> None:
    response = api.post(PATH, json={**definition(), **change})
    assert response.status_code == 400
    assert codes(response) == [1603]
    assert problem in response.json()["errors"][0]["message"]


def test_a_body_without_code_is_1603(api: Api) -> None:
    body = definition()
    del body["code"]
    response = api.post(PATH, json=body)
    assert codes(response) == [1603]


def test_an_unknown_code_is_1602(api: Api) -> None:
    response = api.get(PATH, params={"code": "nothing"})
    assert response.status_code == 404
    assert codes(response) == [1602]


def test_the_org_file_hierarchy_shows_no_id_until_used_and_reading_stores_nothing(
    api: Api, db: Database
) -> None:
    before = api.get(PATH, params={"code": "demo-fleet"}).json()["entity"]
    assert (before["id"], before["definedIn"]) == (None, "FILE")
    assert [r["id"] for r in before["roles"]] == [None, None]
    with unit_of_work(db.read_session) as session:
        assert repository.list_hierarchies(session, api.org.org_id) == []
    written(api, [owner_item(unique_mobile())])
    after = api.get(PATH, params={"code": "demo-fleet"}).json()["entity"]
    assert after["id"] > 0
    assert all(isinstance(r["id"], int) for r in after["roles"])


def test_all_hierarchies_are_listed_the_org_file_first(api: Api) -> None:
    api.post(PATH, json=definition())
    response = api.get(PATH)
    assert response.status_code == 200
    answer = response.json()
    assert [(h["code"], h["definedIn"]) for h in answer["data"]] == [
        ("demo-fleet", "FILE"),
        ("api-fleet", "API"),
    ]
    assert (answer["warnings"], answer["errors"]) == ([], [])


def test_an_api_hierarchy_takes_associations(api: Api) -> None:
    api.post(PATH, json=definition())
    item = owner_item(unique_mobile(), hierarchyCode="api-fleet", roleCode="HQ")
    details = written(api, [item])[0]["entity"]["associationDetails"]
    assert (details["hierarchyCode"], details["roleCode"]) == ("api-fleet", "HQ")
