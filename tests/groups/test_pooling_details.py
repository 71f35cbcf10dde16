"""GET /v2/userGroup2/loyaltyDetails: a group's points, purchases and tier, read only."""

from __future__ import annotations

from typing import Any

import pytest

from patron.db import Database
from tests.api.helpers import codes
from tests.conftest import Api
from tests.groups.test_pooling import group_account, group_external_id, make_group
from tests.loyalty.test_transactions import customer, ok, post, purchase

DETAILS = "/v2/userGroup2/loyaltyDetails"


def customer_item_keys(api: Api, customer_id: int) -> list[str]:
    """The keys of a customer's loyaltyDetails item, in order."""
    item = ok(api.get(f"/v2/customers/{customer_id}/loyaltyDetails"))["data"][0]
    return list(item)


def test_details_show_the_groups_balance_purchases_and_tier(api: Api, db: Database) -> None:
    member, mobile = customer(api)
    group_id = make_group(db, api.org.org_id, [member], name="Lee family")
    ok(post(api, mobile, purchase(12000, userGroup2Id=group_id)))
    answer = ok(api.get(f"{DETAILS}?id={group_id}"))
    (item,) = answer["data"]
    assert list(item) == ["groupId", "externalId", "groupName", *customer_item_keys(api, member)]
    assert (item["groupId"], item["groupName"]) == (group_id, "Lee family")
    assert item["externalId"] == group_external_id(db, api.org.org_id, group_id)
    assert (item["loyaltyPoints"], item["lifetimePoints"], item["cumulativePurchases"]) == (
        120.0,
        120.0,
        12000.0,
    )
    assert (item["currentSlab"], item["slabSNo"], item["nextSlab"]) == ("SILVER", 2, "GOLD")
    assert (item["loyaltyId"], item["programId"]) == (group_id, 1)
    assert (answer["warnings"], answer["errors"]) == ([], [])


@pytest.mark.parametrize("name", ["externalId", "primaryUserId"])
def test_a_group_is_also_found_by_external_id_or_primary_member(
    api: Api, db: Database, name: str
) -> None:
    owner, mobile = customer(api)
    group_id = make_group(db, api.org.org_id, primary=owner)
    ok(post(api, mobile, purchase(1000, userGroup2Id=group_id)))
    value: Any = group_external_id(db, api.org.org_id, group_id) if name == "externalId" else owner
    (item,) = ok(api.get(DETAILS, params={name: value}))["data"]
    assert (item["groupId"], item["loyaltyPoints"]) == (group_id, 10.0)


def test_a_group_that_never_earned_shows_zeros_and_is_not_enrolled(api: Api, db: Database) -> None:
    member, _ = customer(api)
    group_id = make_group(db, api.org.org_id, [member])
    (item,) = ok(api.get(f"{DETAILS}?id={group_id}"))["data"]
    assert (item["loyaltyId"], item["loyaltyPoints"], item["currentSlab"]) == (-1, 0.0, "BRONZE")
    assert group_account(db, api.org.org_id, group_id) is None


def test_program_id_narrows_and_a_program_without_the_group_answers_8089(
    api: Api, db: Database
) -> None:
    member, mobile = customer(api)
    group_id = make_group(db, api.org.org_id, [member])
    assert codes(api.get(f"{DETAILS}?id={group_id}&programId=1")) == [8089]
    ok(post(api, mobile, purchase(1000, userGroup2Id=group_id)))
    (item,) = ok(api.get(f"{DETAILS}?id={group_id}&programId=1"))["data"]
    assert item["loyaltyPoints"] == 10.0
    assert codes(api.get(f"{DETAILS}?id={group_id}&programId=99")) == [8089]


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("id=987654321", 404, 1619),
        ("externalId=nobody", 404, 1619),
        ("primaryUserId=987654321", 404, 1619),
        ("id=abc", 400, 1632),
        ("", 400, 1619),
    ],
)
def test_a_group_that_cannot_be_found_answers_its_code(
    api: Api, query: str, status: int, code: int
) -> None:
    response = api.get(f"{DETAILS}?{query}")
    assert (response.status_code, codes(response)) == (status, [code])
