"""POST, PUT, GET and DELETE /v2/userGroup2: creating, changing, reading and deleting groups."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from tests.api.helpers import codes, register
from tests.conftest import Api
from tests.factories import profile, registration, unique_mobile

_groups = itertools.count(1)
GROUPS = "/v2/userGroup2"
TOO_BIG_ID = str(2**63)


def external_id() -> str:
    return f"family-{next(_groups)}"


def customer(api: Api, mobile: str | None = None, first_name: str = "Tom") -> int:
    """Register a loyalty customer with a mobile and return its id."""
    return register(api, registration(profile(mobile or unique_mobile(), firstName=first_name)))


def create(api: Api, **fields: Any) -> int:
    """Create a group (5 places unless told otherwise) and return its id."""
    body = {"externalId": external_id(), "groupName": "Family", "maxGroupSize": 5, **fields}
    response = api.post(GROUPS, json=body)
    assert response.status_code == 200, response.text
    assert response.json()["warnings"] == []
    return int(response.json()["entity"])


def group(api: Api, **query: Any) -> dict[str, Any]:
    """Read a group back (``id=`` or ``externalId=``)."""
    response = api.get(GROUPS, params=query)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def member(user_id: int, *, primary: bool = False, permissions: list[str] | None = None) -> Any:
    return {"userId": user_id, "primaryMember": primary, "permissions": permissions or []}


def join(api: Api, group_id: int | str, *members: dict[str, Any]) -> Any:
    return api.post(f"{GROUPS}/join", params={"id": group_id}, json=list(members))


def joined(api: Api, group_id: int, *members: dict[str, Any]) -> list[dict[str, Any]]:
    """Join members who must all be added; return the answer's items."""
    response = join(api, group_id, *members)
    assert response.status_code == 200, response.text
    assert response.json()["failureCount"] == 0, response.text
    items: list[dict[str, Any]] = response.json()["response"]
    return items


def item_codes(response: Any) -> list[list[int]]:
    """Return each item's error codes of a member call's answer."""
    return [[e["code"] for e in item["errors"]] for item in response.json()["response"]]


def update(api: Api, **body: Any) -> Any:
    return api.put(GROUPS, json=body)


# Creating and reading


def test_a_created_group_reads_back_with_what_was_given(api: Api) -> None:
    external = external_id()
    group_id = create(
        api, externalId=external, groupName="Sawyers", maxGroupSize=4, extendedFields={"city": "X"}
    )
    found = group(api, id=group_id)
    assert {k: found[k] for k in ("id", "externalId", "groupStatus", "groupName")} == {
        "id": group_id,
        "externalId": external,
        "groupStatus": "ACTIVE",
        "groupName": "Sawyers",
    }
    assert (found["maxGroupSize"], found["memberCount"], found["primaryMember"]) == (4, 0, None)
    assert found["extendedFields"] == {"city": "X"}
    assert found["createdBy"] == found["lastUpdatedBy"] > 0
    created = dt.datetime.fromisoformat(found["createdOn"])
    assert abs(created - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)
    assert found["lastUpdatedOn"] == found["createdOn"]


def test_a_group_is_found_by_its_external_id(api: Api) -> None:
    external = external_id()
    group_id = create(api, externalId=external)
    assert group(api, externalId=external)["id"] == group_id


def test_a_group_is_found_by_its_primary_members_id(api: Api) -> None:
    primary = customer(api)
    group_id = create(api, primaryUserId=primary)
    assert group(api, primaryUserId=primary)["id"] == group_id


def test_the_primary_user_joins_at_creation(api: Api) -> None:
    primary = customer(api, first_name="Becky")
    group_id = create(api, primaryUserId=primary)
    found = group(api, id=group_id)
    assert found["primaryMember"] == {"userId": primary, "firstName": "Becky", "lastName": "Sawyer"}
    assert found["memberCount"] == 1


def test_a_group_without_a_name_has_an_empty_one(api: Api) -> None:
    response = api.post(GROUPS, json={"externalId": external_id(), "maxGroupSize": 2})
    assert response.status_code == 200, response.text
    assert group(api, id=response.json()["entity"])["groupName"] == ""


def test_a_taken_external_id_is_1633(api: Api) -> None:
    external = external_id()
    create(api, externalId=external)
    response = api.post(GROUPS, json={"externalId": external, "maxGroupSize": 3})
    assert response.status_code == 409
    assert codes(response) == [1633]


@pytest.mark.parametrize("size", [0, -3])
def test_a_size_that_is_not_positive_is_1640(api: Api, size: int) -> None:
    response = api.post(GROUPS, json={"externalId": external_id(), "maxGroupSize": size})
    assert response.status_code == 400
    assert codes(response) == [1640]


@pytest.mark.parametrize(
    "body",
    [
        {"maxGroupSize": 3},
        {"externalId": "no-size"},
        {"externalId": "x" * 51, "maxGroupSize": 3},
        {"externalId": "   ", "maxGroupSize": 3},
        {"externalId": "named", "groupName": "n" * 51, "maxGroupSize": 3},
        {"externalId": "text-size", "maxGroupSize": "5"},
        {"externalId": "huge-size", "maxGroupSize": 2**31},
        {"externalId": "number-name", "maxGroupSize": 3, "groupName": 7},
        {"externalId": 12, "maxGroupSize": 3},
        {"externalId": "nested", "maxGroupSize": 3, "extendedFields": {"a": {"b": 1}}},
        {"externalId": "long-field", "maxGroupSize": 3, "extendedFields": {"a": "v" * 256}},
        {"externalId": "big-user", "maxGroupSize": 3, "primaryUserId": 2**63},
    ],
    ids=[
        "no-external-id",
        "no-size",
        "long-external-id",
        "blank-external-id",
        "long-name",
        "text-size",
        "size-beyond-32-bits",
        "number-name",
        "number-external-id",
        "nested-field",
        "long-field-value",
        "user-beyond-64-bits",
    ],
)
def test_missing_overlong_or_mistyped_fields_are_400(api: Api, body: dict[str, Any]) -> None:
    response = api.post(GROUPS, json=body)
    assert response.status_code == 400
    assert codes(response) == [400]


def test_a_nul_in_the_external_id_is_400(api: Api) -> None:
    response = api.post(
        GROUPS,
        content=b'{"externalId": "a\\u0000b", "maxGroupSize": 3}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert codes(response) == [400]


def test_an_unknown_primary_user_is_8015(api: Api) -> None:
    response = api.post(
        GROUPS, json={"externalId": external_id(), "maxGroupSize": 3, "primaryUserId": 999999999}
    )
    assert response.status_code == 404
    assert codes(response) == [8015]


def test_the_primary_member_of_another_group_is_1642(api: Api) -> None:
    primary = customer(api)
    create(api, primaryUserId=primary)
    response = api.post(
        GROUPS, json={"externalId": external_id(), "maxGroupSize": 3, "primaryUserId": primary}
    )
    assert response.status_code == 409
    assert codes(response) == [1642]


def test_an_unknown_group_is_1619(api: Api) -> None:
    for query in ({"id": 999999999}, {"externalId": "nobody"}, {"primaryUserId": 999999999}):
        response = api.get(GROUPS, params=query)
        assert response.status_code == 404, query
        assert codes(response) == [1619]


@pytest.mark.parametrize("value", ["abc", "0", "-4", TOO_BIG_ID])
def test_a_malformed_group_id_is_1632(api: Api, value: str) -> None:
    response = api.get(GROUPS, params={"id": value})
    assert response.status_code == 400
    assert codes(response) == [1632]


def test_a_read_that_names_no_group_is_1619(api: Api) -> None:
    response = api.get(GROUPS)
    assert response.status_code == 400
    assert codes(response) == [1619]


# Updating


def test_an_update_changes_name_size_and_fields(api: Api) -> None:
    group_id = create(api, extendedFields={"city": "X", "kind": "home"})
    response = update(
        api, id=group_id, groupName="Renamed", maxGroupSize=8, extendedFields={"city": "Y"}
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"entity": group_id, "warnings": []}
    found = group(api, id=group_id)
    assert (found["groupName"], found["maxGroupSize"]) == ("Renamed", 8)
    assert found["extendedFields"] == {"city": "Y"}
    assert found["lastUpdatedOn"] >= found["createdOn"]


def test_an_update_by_external_id_keeps_what_it_does_not_name(api: Api) -> None:
    external = external_id()
    group_id = create(api, externalId=external, maxGroupSize=3)
    assert update(api, externalId=external, groupName="Other").status_code == 200
    found = group(api, id=group_id)
    assert (found["groupName"], found["maxGroupSize"], found["externalId"]) == (
        "Other",
        3,
        external,
    )


def test_an_update_by_id_may_change_the_external_id(api: Api) -> None:
    group_id = create(api)
    assert update(api, id=group_id, externalId="renamed-family").status_code == 200
    assert group(api, externalId="renamed-family")["id"] == group_id


def test_changing_to_a_taken_external_id_is_1633(api: Api) -> None:
    taken = external_id()
    create(api, externalId=taken)
    group_id = create(api)
    response = update(api, id=group_id, externalId=taken)
    assert response.status_code == 409
    assert codes(response) == [1633]


def test_a_size_below_the_member_count_is_1640(api: Api) -> None:
    group_id = create(api, maxGroupSize=3)
    joined(api, group_id, member(customer(api)), member(customer(api)))
    response = update(api, id=group_id, maxGroupSize=1)
    assert response.status_code == 400
    assert codes(response) == [1640]
    assert group(api, id=group_id)["maxGroupSize"] == 3


def test_a_size_equal_to_the_member_count_is_accepted(api: Api) -> None:
    group_id = create(api, maxGroupSize=3)
    joined(api, group_id, member(customer(api)), member(customer(api)))
    assert update(api, id=group_id, maxGroupSize=2).status_code == 200
    assert group(api, id=group_id)["maxGroupSize"] == 2


def test_an_update_to_size_zero_is_1640(api: Api) -> None:
    response = update(api, id=create(api), maxGroupSize=0)
    assert response.status_code == 400
    assert codes(response) == [1640]


def test_an_update_that_names_no_group_is_1619(api: Api) -> None:
    response = update(api, groupName="Nobody")
    assert response.status_code == 400
    assert codes(response) == [1619]


def test_an_update_of_an_unknown_group_is_1619(api: Api) -> None:
    response = update(api, id=999999999, groupName="Nobody")
    assert response.status_code == 404
    assert codes(response) == [1619]


@pytest.mark.parametrize("value", [0, -1, 2**63])
def test_an_update_with_a_malformed_id_is_1632(api: Api, value: int) -> None:
    response = update(api, id=value, groupName="Nobody")
    assert response.status_code == 400
    assert codes(response) == [1632]


def test_an_update_with_an_overlong_name_is_400(api: Api) -> None:
    response = update(api, id=create(api), groupName="n" * 51)
    assert response.status_code == 400
    assert codes(response) == [400]


# Deleting


def test_a_deleted_group_reads_back_deleted(api: Api) -> None:
    group_id = create(api)
    response = api.delete(GROUPS, params={"id": group_id})
    assert response.status_code == 200, response.text
    assert response.json() == {"entity": group_id, "warnings": []}
    assert group(api, id=group_id)["groupStatus"] == "DELETED"


def test_a_deleted_group_takes_no_members(api: Api) -> None:
    group_id = create(api)
    api.delete(GROUPS, params={"id": group_id})
    response = join(api, group_id, member(customer(api)))
    assert response.status_code == 404
    assert codes(response) == [1619]


def test_a_deleted_group_cannot_be_deleted_or_updated_again(api: Api) -> None:
    external = external_id()
    group_id = create(api, externalId=external)
    api.delete(GROUPS, params={"externalId": external})
    again = api.delete(GROUPS, params={"id": group_id})
    changed = update(api, id=group_id, groupName="Back")
    assert (again.status_code, codes(again)) == (404, [1619])
    assert (changed.status_code, codes(changed)) == (404, [1619])


def test_deleting_releases_the_members(api: Api) -> None:
    primary, other = customer(api), customer(api)
    group_id = create(api, primaryUserId=primary)
    joined(api, group_id, member(other))
    api.delete(GROUPS, params={"id": group_id})
    assert group(api, id=group_id)["memberCount"] == 0
    listed = api.get(f"{GROUPS}/members", params={"identifierName": "id", "identifierValue": other})
    assert listed.json()["data"] == []
    # The released primary member may be the primary member of a new group.
    assert create(api, primaryUserId=primary) > group_id


def test_deleting_an_unknown_group_is_1619(api: Api) -> None:
    response = api.delete(GROUPS, params={"id": 999999999})
    assert response.status_code == 404
    assert codes(response) == [1619]
