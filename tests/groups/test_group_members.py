"""Members of user groups: join, leave, permissions and the members listings."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.helpers import codes, register
from tests.conftest import Api
from tests.factories import profile, registration, unique_mobile
from tests.groups.test_user_groups import (
    GROUPS,
    TOO_BIG_ID,
    create,
    customer,
    external_id,
    group,
    item_codes,
    join,
    joined,
    member,
)

MEMBERS = f"{GROUPS}/members"


def leave(api: Api, group_id: int | str, name: str, value: Any, **query: Any) -> Any:
    params = {"identifierName": name, "identifierValue": value, **query}
    return api.delete(f"{GROUPS}/{group_id}/leave", params=params)


def permissions(api: Api, group_id: int, *items: dict[str, Any]) -> Any:
    return api.put(f"{MEMBERS}/permissions", params={"id": group_id}, json=list(items))


def listed(api: Api, **query: Any) -> list[dict[str, Any]]:
    response = api.get(MEMBERS, params=query)
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def merge_into_another(api: Api) -> int:
    """Merge a new customer into another (by adding the other's mobile); return its id."""
    holder_mobile = unique_mobile()
    register(api, registration(profile(holder_mobile, source="WECHAT", account_id="WECHAT-CM")))
    merged_away = customer(api)
    response = api.post(
        f"/v2/customers/{merged_away}/changeIdentifier?source=TMALL",
        json={"add": [{"type": "mobile", "value": holder_mobile}]},
    )
    assert response.status_code == 200, response.text
    return merged_away


def member_ids(api: Api, group_id: int) -> list[int]:
    [found] = listed(api, id=group_id)
    return [m["userId"] for m in found["members"]]


# Joining


def test_a_join_answers_the_membership(api: Api) -> None:
    group_id, user = create(api), customer(api)
    response = join(api, group_id, member(user))
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["totalCount"], body["failureCount"]) == (1, 0)
    [item] = body["response"]
    assert item["entityId"] == {
        "userId": user,
        "groupId": group_id,
        "permissions": [],
        "defaultGroup": True,
        "active": True,
        "primaryMember": False,
    }
    assert (item["result"]["role"], item["result"]["memberCount"]) == ("MEMBER", 1)
    assert (item["errors"], item["warnings"]) == ([], [])
    assert group(api, id=group_id)["memberCount"] == 1


def test_a_primary_member_joins_with_its_permissions(api: Api) -> None:
    group_id, user = create(api), customer(api)
    [item] = joined(
        api, group_id, member(user, primary=True, permissions=["BLOCK_points_transfer"])
    )
    assert item["entityId"]["primaryMember"] is True
    assert item["entityId"]["permissions"] == ["block_points_transfer"]
    assert item["result"]["role"] == "PRIMARY"
    assert group(api, id=group_id)["primaryMember"]["userId"] == user


def test_a_join_names_the_group_by_external_id_or_primary_user(api: Api) -> None:
    external, primary = external_id(), customer(api)
    group_id = create(api, externalId=external, primaryUserId=primary)
    by_external = api.post(
        f"{GROUPS}/join", params={"externalId": external}, json=[member(customer(api))]
    )
    by_primary = api.post(
        f"{GROUPS}/join", params={"primaryUserId": primary}, json=[member(customer(api))]
    )
    assert (by_external.status_code, by_primary.status_code) == (200, 200)
    assert group(api, id=group_id)["memberCount"] == 3


def test_the_second_group_a_customer_joins_is_not_its_default(api: Api) -> None:
    user = customer(api)
    joined(api, create(api), member(user))
    [item] = joined(api, create(api), member(user))
    assert item["entityId"]["defaultGroup"] is False


def test_one_failing_member_leaves_the_others_joined(api: Api) -> None:
    group_id, first, second = create(api), customer(api), customer(api)
    response = join(api, group_id, member(first), member(999999999), member(second))
    assert response.status_code == 200
    assert response.json()["failureCount"] == 1
    assert item_codes(response) == [[], [8015], []]
    assert response.json()["response"][1]["entityId"] is None
    assert member_ids(api, group_id) == [first, second]


def test_a_join_where_every_member_fails_is_400_with_the_items(api: Api) -> None:
    group_id, user = create(api), customer(api)
    joined(api, group_id, member(user))
    response = join(api, group_id, member(user))
    assert response.status_code == 400
    assert (response.json()["totalCount"], response.json()["failureCount"]) == (1, 1)
    assert item_codes(response) == [[1623]]


def test_a_customer_given_twice_is_1636_the_second_time(api: Api) -> None:
    group_id, user = create(api), customer(api)
    response = join(api, group_id, member(user), member(user))
    assert item_codes(response) == [[], [1636]]


def test_a_second_primary_is_1637(api: Api) -> None:
    group_id = create(api, primaryUserId=customer(api))
    response = join(api, group_id, member(customer(api), primary=True))
    assert item_codes(response) == [[1637]]


def test_a_full_group_is_1638(api: Api) -> None:
    group_id = create(api, maxGroupSize=1)
    response = join(api, group_id, member(customer(api)), member(customer(api)))
    assert item_codes(response) == [[], [1638]]
    assert group(api, id=group_id)["memberCount"] == 1


def test_an_unknown_permission_is_1641(api: Api) -> None:
    response = join(api, create(api), member(customer(api), permissions=["earn_points"]))
    assert item_codes(response) == [[1641]]


def test_the_primary_member_of_another_group_joining_as_primary_is_1642(api: Api) -> None:
    user = customer(api)
    create(api, primaryUserId=user)
    response = join(api, create(api), member(user, primary=True))
    assert item_codes(response) == [[1642]]


def test_the_primary_member_of_another_group_may_join_as_a_member(api: Api) -> None:
    user = customer(api)
    create(api, primaryUserId=user)
    [item] = joined(api, create(api), member(user))
    assert item["entityId"]["primaryMember"] is False


def test_a_merged_customer_is_8069(api: Api) -> None:
    merged_away = merge_into_another(api)
    response = join(api, create(api), member(merged_away))
    assert item_codes(response) == [[8069]]


def test_a_join_to_an_unknown_group_is_1619(api: Api) -> None:
    response = join(api, 999999999, member(customer(api)))
    assert response.status_code == 404
    assert codes(response) == [1619]


def test_a_join_to_a_malformed_group_id_is_1632(api: Api) -> None:
    response = join(api, TOO_BIG_ID, member(customer(api)))
    assert response.status_code == 400
    assert codes(response) == [1632]


def test_a_join_that_names_no_group_is_1619(api: Api) -> None:
    response = api.post(f"{GROUPS}/join", json=[member(customer(api))])
    assert response.status_code == 400
    assert codes(response) == [1619]


@pytest.mark.parametrize(
    "body",
    [[], [{"userId": "abc"}], [{"primaryMember": True}], [{"userId": 2**63}], "not a list"],
    ids=["empty", "text-user", "no-user", "user-beyond-64-bits", "not-a-list"],
)
def test_a_malformed_join_body_is_400(api: Api, body: Any) -> None:
    response = api.post(f"{GROUPS}/join", params={"id": create(api)}, json=body)
    assert response.status_code == 400
    assert codes(response) == [400]


def test_more_than_100_members_in_one_join_is_400(api: Api) -> None:
    body = [member(n) for n in range(1, 102)]
    response = api.post(f"{GROUPS}/join", params={"id": create(api)}, json=body)
    assert response.status_code == 400
    assert codes(response) == [400]


# Leaving


def test_a_member_leaves_by_customer_id(api: Api) -> None:
    group_id, user, other = create(api), customer(api), customer(api)
    joined(api, group_id, member(user), member(other))
    response = leave(api, group_id, "id", user)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "entity": {
            "userId": user,
            "groupId": group_id,
            "permissions": [],
            "defaultGroup": True,
            "active": False,
            "primaryMember": False,
        },
        "warnings": [],
    }
    assert member_ids(api, group_id) == [other]
    assert group(api, id=group_id)["memberCount"] == 1


def test_a_member_leaves_by_mobile_in_a_source(api: Api) -> None:
    mobile = unique_mobile()
    group_id, user = create(api), customer(api, mobile)
    joined(api, group_id, member(user))
    assert leave(api, group_id, "mobile", mobile, source="INSTORE").status_code == 200
    assert member_ids(api, group_id) == []


def test_leaving_the_default_group_makes_the_next_one_default(api: Api) -> None:
    user, first, second = customer(api), create(api), create(api)
    joined(api, first, member(user))
    joined(api, second, member(user))
    leave(api, first, "id", user)
    [remaining] = listed(api, identifierName="id", identifierValue=user)
    assert remaining["id"] == second
    assert remaining["members"][0]["defaultGroup"] is True


def test_leaving_a_group_one_is_not_in_is_1620(api: Api) -> None:
    response = leave(api, create(api), "id", customer(api))
    assert response.status_code == 404
    assert codes(response) == [1620]


def test_the_primary_member_cannot_leave_1624(api: Api) -> None:
    primary = customer(api)
    group_id = create(api, primaryUserId=primary)
    response = leave(api, group_id, "id", primary)
    assert response.status_code == 409
    assert codes(response) == [1624]
    assert member_ids(api, group_id) == [primary]


@pytest.mark.parametrize(
    ("name", "value", "code", "status"),
    [
        ("id", "999999999", 8015, 404),
        ("id", "abc", 8015, 404),
        ("mobile", "919800000001", 8015, 404),
        ("shoeSize", "42", 8013, 400),
        ("", "", 8013, 400),
    ],
    ids=["unknown-id", "malformed-id", "unknown-mobile", "unknown-name", "no-identifier"],
)
def test_leaving_without_a_known_customer_is_refused(
    api: Api, name: str, value: str, code: int, status: int
) -> None:
    response = leave(api, create(api), name, value)
    assert response.status_code == status
    assert codes(response) == [code]


def test_leaving_a_malformed_group_id_is_1632(api: Api) -> None:
    response = leave(api, "abc", "id", customer(api))
    assert response.status_code == 400
    assert codes(response) == [1632]


def test_leaving_an_unknown_group_is_1619(api: Api) -> None:
    response = leave(api, 999999999, "id", customer(api))
    assert response.status_code == 404
    assert codes(response) == [1619]


# Permissions


def test_permissions_change_only_the_actions_they_name(api: Api) -> None:
    group_id, user = create(api), customer(api)
    joined(api, group_id, member(user, permissions=["block_points_redemption"]))
    response = permissions(
        api, group_id, {"userId": user, "permissions": ["BLOCK_POINTS_TRANSFER"]}
    )
    assert response.status_code == 200, response.text
    assert response.json()["response"][0]["entityId"]["permissions"] == [
        "block_points_redemption",
        "block_points_transfer",
    ]
    permissions(api, group_id, {"userId": user, "permissions": ["allow_points_redemption"]})
    [found] = listed(api, id=group_id)
    assert found["members"][0]["permissions"] == [
        "allow_points_redemption",
        "block_points_transfer",
    ]


def test_the_last_permission_given_for_an_action_wins(api: Api) -> None:
    group_id, user = create(api), customer(api)
    joined(api, group_id, member(user))
    given = ["block_points_transfer", "allow_points_transfer"]
    response = permissions(api, group_id, {"userId": user, "permissions": given})
    assert response.json()["response"][0]["entityId"]["permissions"] == ["allow_points_transfer"]


def test_an_unknown_permission_change_is_1641(api: Api) -> None:
    group_id, user = create(api), customer(api)
    joined(api, group_id, member(user))
    response = permissions(api, group_id, {"userId": user, "permissions": ["earn_points"]})
    assert response.status_code == 400
    assert item_codes(response) == [[1641]]


def test_a_permission_change_of_a_non_member_is_1620(api: Api) -> None:
    group_id, user, outsider = create(api), customer(api), customer(api)
    joined(api, group_id, member(user))
    response = permissions(
        api,
        group_id,
        {"userId": outsider, "permissions": ["block_points_transfer"]},
        {"userId": user, "permissions": ["block_points_transfer"]},
    )
    assert response.status_code == 200
    assert item_codes(response) == [[1620], []]


def test_a_permission_change_of_an_unknown_group_is_1619(api: Api) -> None:
    response = permissions(api, 999999999, {"userId": 1, "permissions": []})
    assert response.status_code == 404
    assert codes(response) == [1619]


# Listings


def test_a_groups_members_come_primary_first_then_by_joining(api: Api) -> None:
    first, primary, last = customer(api), customer(api, first_name="Becky"), customer(api)
    group_id = create(api, maxGroupSize=3)
    joined(api, group_id, member(first), member(primary, primary=True), member(last))
    [found] = listed(api, id=group_id)
    assert {k: found[k] for k in ("id", "groupStatus", "maxGroupSize", "memberCount")} == {
        "id": group_id,
        "groupStatus": "ACTIVE",
        "maxGroupSize": 3,
        "memberCount": 3,
    }
    assert [m["userId"] for m in found["members"]] == [primary, first, last]
    assert found["members"][0] == {
        "userId": primary,
        "firstName": "Becky",
        "lastName": "Sawyer",
        "role": "PRIMARY",
        "primaryMember": True,
        "permissions": [],
        "defaultGroup": True,
        "joinedOn": found["members"][0]["joinedOn"],
    }
    assert found["members"][0]["joinedOn"]


def test_a_customers_groups_are_listed_default_first_with_their_members(api: Api) -> None:
    mobile = unique_mobile()
    user, other = customer(api, mobile), customer(api)
    first, second = create(api), create(api)
    joined(api, second, member(other))
    joined(api, first, member(user))
    joined(api, second, member(user))
    found = listed(api, identifierName="mobile", identifierValue=mobile, source="INSTORE")
    assert [g["id"] for g in found] == [first, second]
    assert [m["userId"] for m in found[1]["members"]] == [other, user]


def test_a_customer_in_no_group_lists_none(api: Api) -> None:
    assert listed(api, identifierName="id", identifierValue=customer(api)) == []


def test_a_listing_naming_a_group_and_a_customer_is_400(api: Api) -> None:
    response = api.get(MEMBERS, params={"id": create(api), "identifierName": "id"})
    assert response.status_code == 400
    assert codes(response) == [400]


def test_a_listing_naming_nothing_is_1619(api: Api) -> None:
    response = api.get(MEMBERS)
    assert response.status_code == 400
    assert codes(response) == [1619]


def test_a_listing_of_an_unknown_customer_is_8015(api: Api) -> None:
    response = api.get(MEMBERS, params={"identifierName": "id", "identifierValue": 999999999})
    assert response.status_code == 404
    assert codes(response) == [8015]


def test_a_listing_of_a_deleted_group_is_1619(api: Api) -> None:
    group_id = create(api)
    api.delete(GROUPS, params={"id": group_id})
    response = api.get(MEMBERS, params={"id": group_id})
    assert response.status_code == 404
    assert codes(response) == [1619]
