"""POST /v2/userGroup2/transfer: members move from one group to another, each on its own."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.helpers import codes
from tests.conftest import Api
from tests.groups.test_group_members import listed, member_ids
from tests.groups.test_user_groups import (
    GROUPS,
    create,
    customer,
    group,
    item_codes,
    joined,
    member,
)

TRANSFER = f"{GROUPS}/transfer"


def transfer(api: Api, leave: int, join: int, *users: int) -> Any:
    return api.post(
        TRANSFER, json={"leaveGroupId": leave, "joinGroupId": join, "userIds": list(users)}
    )


def test_a_member_moves_with_its_permissions(api: Api) -> None:
    source, target, user = create(api), create(api), customer(api)
    joined(api, source, member(user, permissions=["block_points_redemption"]))
    response = transfer(api, source, target, user)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["totalCount"], body["failureCount"]) == (1, 0)
    [item] = body["response"]
    assert item["entityId"] == {
        "userId": user,
        "groupId": target,
        "permissions": ["block_points_redemption"],
        "defaultGroup": True,
        "active": True,
        "primaryMember": False,
    }
    assert item["result"]["role"] == "MEMBER"
    assert (member_ids(api, source), member_ids(api, target)) == ([], [user])
    assert (group(api, id=source)["memberCount"], group(api, id=target)["memberCount"]) == (0, 1)


def test_the_primary_member_cannot_move_1624(api: Api) -> None:
    primary = customer(api)
    source, target = create(api, primaryUserId=primary), create(api)
    response = transfer(api, source, target, primary)
    assert response.status_code == 400
    assert item_codes(response) == [[1624]]
    assert member_ids(api, source) == [primary]


def test_a_customer_not_in_the_leave_group_is_1620(api: Api) -> None:
    response = transfer(api, create(api), create(api), customer(api))
    assert item_codes(response) == [[1620]]


def test_a_member_who_cannot_join_a_full_group_stays_1638(api: Api) -> None:
    source, target, user = create(api), create(api, maxGroupSize=1), customer(api)
    joined(api, source, member(user))
    joined(api, target, member(customer(api)))
    response = transfer(api, source, target, user)
    assert item_codes(response) == [[1638]]
    assert member_ids(api, source) == [user]
    assert group(api, id=source)["memberCount"] == 1


def test_a_member_already_in_the_join_group_stays_1623(api: Api) -> None:
    source, target, user = create(api), create(api), customer(api)
    joined(api, source, member(user))
    joined(api, target, member(user))
    response = transfer(api, source, target, user)
    assert item_codes(response) == [[1623]]
    assert member_ids(api, source) == [user]


def test_one_member_failing_leaves_the_others_moved(api: Api) -> None:
    source, target = create(api), create(api, maxGroupSize=1)
    first, second = customer(api), customer(api)
    joined(api, source, member(first), member(second))
    response = transfer(api, source, target, first, second, first)
    assert response.status_code == 200
    assert item_codes(response) == [[], [1638], [1636]]
    assert (member_ids(api, source), member_ids(api, target)) == ([second], [first])


def test_moving_out_of_the_default_group_makes_the_oldest_other_default(api: Api) -> None:
    source, other, target, user = create(api), create(api), create(api), customer(api)
    joined(api, source, member(user))
    joined(api, other, member(user))
    [item] = transfer(api, source, target, user).json()["response"]
    assert item["entityId"]["defaultGroup"] is False
    found = listed(api, identifierName="id", identifierValue=user)
    assert [(g["id"], g["members"][0]["defaultGroup"]) for g in found] == [
        (other, True),
        (target, False),
    ]


def test_a_transfer_into_a_deleted_group_is_1619(api: Api) -> None:
    source, target, user = create(api), create(api), customer(api)
    joined(api, source, member(user))
    api.delete(GROUPS, params={"id": target})
    response = transfer(api, source, target, user)
    assert response.status_code == 404
    assert codes(response) == [1619]
    assert member_ids(api, source) == [user]


def test_a_transfer_from_an_unknown_group_is_1619(api: Api) -> None:
    response = transfer(api, 999999999, create(api), customer(api))
    assert response.status_code == 404
    assert codes(response) == [1619]


@pytest.mark.parametrize("bad", [0, -2, 2**63])
def test_a_malformed_group_id_is_1632(api: Api, bad: int) -> None:
    response = transfer(api, bad, create(api), customer(api))
    assert response.status_code == 400
    assert codes(response) == [1632]


def test_a_transfer_within_one_group_is_400(api: Api) -> None:
    group_id = create(api)
    response = transfer(api, group_id, group_id, customer(api))
    assert response.status_code == 400
    assert codes(response) == [400]


@pytest.mark.parametrize(
    "body",
    [
        {"leaveGroupId": 1, "joinGroupId": 2, "userIds": []},
        {"leaveGroupId": 1, "joinGroupId": 2},
        {"joinGroupId": 2, "userIds": [1]},
        {"leaveGroupId": "1", "joinGroupId": 2, "userIds": [1]},
    ],
    ids=["no-users", "users-missing", "leave-missing", "text-group-id"],
)
def test_a_malformed_transfer_body_is_400(api: Api, body: dict[str, Any]) -> None:
    response = api.post(TRANSFER, json=body)
    assert response.status_code == 400
    assert codes(response) == [400]
