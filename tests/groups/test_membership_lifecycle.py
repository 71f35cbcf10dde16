"""Memberships follow a merged customer to its survivor, and a customer whose personal data is
deleted leaves every group, each with groupMemberRemoved naming it as it was."""

from __future__ import annotations

from typing import Any

from patron.customers.tasks import run_pii_deletions
from patron.db import Database
from tests.api.helpers import events, register
from tests.conftest import Api
from tests.factories import profile, registration, unique_mobile
from tests.groups.test_group_members import listed, member_ids
from tests.groups.test_user_groups import create, customer, group, joined, member


def holder(api: Api) -> tuple[int, str]:
    """Register a customer in WECHAT (so an INSTORE customer can merge into it)."""
    mobile = unique_mobile()
    customer_id = register(
        api, registration(profile(mobile, source="WECHAT", account_id="WECHAT-CM"))
    )
    return customer_id, mobile


def merge(api: Api, victim: int, survivor_mobile: str) -> None:
    """Merge ``victim`` into the customer holding ``survivor_mobile``."""
    response = api.post(
        f"/v2/customers/{victim}/changeIdentifier?source=TMALL",
        json={"add": [{"type": "mobile", "value": survivor_mobile}]},
    )
    assert response.status_code == 200, response.text
    assert 8051 in [w["code"] for w in response.json().get("warnings", [])], response.text


def memberships(api: Api, customer_id: int) -> list[dict[str, Any]]:
    """Return the customer's groups, each with the customer's own member entry."""
    return [
        {"group": g["id"], **next(m for m in g["members"] if m["userId"] == customer_id)}
        for g in listed(api, identifierName="id", identifierValue=customer_id)
    ]


def test_a_merged_members_memberships_move_to_the_survivor(api: Api) -> None:
    survivor, mobile = holder(api)
    victim = customer(api)
    group_id = create(api)
    joined(api, group_id, member(victim, permissions=["block_points_transfer"]))
    merge(api, victim, mobile)
    assert member_ids(api, group_id) == [survivor]
    [moved] = memberships(api, survivor)
    assert (moved["group"], moved["permissions"]) == (group_id, ["block_points_transfer"])
    assert group(api, id=group_id)["memberCount"] == 1


def test_a_merged_victims_default_group_stays_default_for_a_survivor_without_groups(
    api: Api,
) -> None:
    survivor, mobile = holder(api)
    victim = customer(api)
    first, second = create(api), create(api)
    joined(api, first, member(victim))
    joined(api, second, member(victim))
    merge(api, victim, mobile)
    assert [(m["group"], m["defaultGroup"]) for m in memberships(api, survivor)] == [
        (first, True),
        (second, False),
    ]


def test_a_merge_of_two_members_of_one_group_leaves_one_member(api: Api) -> None:
    survivor, mobile = holder(api)
    victim = customer(api)
    group_id = create(api)
    joined(api, group_id, member(survivor), member(victim))
    merge(api, victim, mobile)
    assert member_ids(api, group_id) == [survivor]
    assert group(api, id=group_id)["memberCount"] == 1


def test_a_merged_primary_member_makes_the_survivor_in_its_group_primary(api: Api) -> None:
    survivor, mobile = holder(api)
    victim = customer(api)
    group_id = create(api, primaryUserId=victim)
    joined(api, group_id, member(survivor))
    merge(api, victim, mobile)
    [found] = listed(api, id=group_id)
    assert [(m["userId"], m["primaryMember"], m["role"]) for m in found["members"]] == [
        (survivor, True, "PRIMARY")
    ]
    assert found["memberCount"] == 1


def test_a_merged_primary_member_whose_survivor_is_primary_elsewhere_stays_a_member(
    api: Api,
) -> None:
    survivor, mobile = holder(api)
    victim = customer(api)
    own = create(api, primaryUserId=survivor)
    group_id = create(api, primaryUserId=victim)
    merge(api, victim, mobile)
    [moved] = [m for m in memberships(api, survivor) if m["group"] == group_id]
    assert (moved["primaryMember"], moved["role"]) == (False, "MEMBER")
    assert group(api, id=own)["primaryMember"]["userId"] == survivor
    assert group(api, id=group_id)["primaryMember"] is None


def request_deletion(api: Api, mobile: str) -> None:
    response = api.put(
        "/v2/customers/lookup/status?source=INSTORE&identifierName=mobile"
        f"&identifierValue={mobile}",
        json={"reason": "User asked", "label": "Pending Deletion"},
    )
    assert response.status_code == 200, response.text


def test_a_customer_whose_data_is_deleted_leaves_every_group(api: Api, db: Database) -> None:
    mobile = unique_mobile()
    user, other = customer(api, mobile), customer(api)
    own = create(api, primaryUserId=user)
    shared = create(api)
    joined(api, shared, member(other), member(user))
    request_deletion(api, mobile)
    run_pii_deletions(db, api.client.app.state.blobs)  # type: ignore[attr-defined]
    assert (member_ids(api, own), member_ids(api, shared)) == ([], [other])
    assert (group(api, id=own)["memberCount"], group(api, id=shared)["memberCount"]) == (0, 1)
    removed = events(db, api.org.org_id, "groupMemberRemoved")
    assert sorted(e.entity_id or 0 for e in removed) == [own, shared]
    for event in removed:
        left = event.data["memberRemoved"]
        assert left["customerIdentifiers"]["customerId"] == user
        assert left["customerIdentifiers"]["instore"]["mobile"] == mobile
        assert (left["firstName"], left["lastName"]) == ("Tom", "Sawyer")
