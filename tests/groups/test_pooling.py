"""Bills that earn for a user group: tags, pooling hierarchies, the group's tier, returns,
bulk items, and the refusals of a tag that names no group of the customer.

Groups are set up through the membership service directly (``make_group``), as the
associations and user group APIs would make them.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from patron.auth.principal import Principal
from patron.auth.service import principal_of_till
from patron.customers.lookup import get_customer
from patron.db import Database, unit_of_work
from patron.groups import repository as groups_repository
from patron.groups.hierarchies import find_hierarchy
from patron.groups.membership import DELETED, create_group, join_group
from patron.loyalty import ledger
from patron.loyalty.models import Account, Bill
from patron.orgs import repository as orgs_repository
from patron.orgs.demo import DEMO_HIERARCHY, DEMO_PROGRAM_ID
from tests.api.helpers import codes
from tests.conftest import Api, make_org
from tests.loyalty.test_transactions import customer, ok, points, post, purchase

_groups = itertools.count(1)


def till_principal(session: Any, org_id: int) -> Principal:
    """The principal of the org's first till."""
    till = orgs_repository.find_till_by_code(session, f"till.{org_id}")
    assert till is not None
    principal = principal_of_till(session, till.id)
    assert principal is not None
    return principal


def make_group(
    db: Database,
    org_id: int,
    members: Sequence[int] = (),
    *,
    primary: int | None = None,
    hierarchy: str | None = None,
    roles: Mapping[int, str] | None = None,
    permissions: Mapping[int, list[str]] | None = None,
    name: str = "Fleet",
    max_size: int = 10,
) -> int:
    """Create a group (a hierarchy's pooling group when ``hierarchy`` is given) with its
    primary member and members, as the membership service does; return its id."""
    roles, permissions = roles or {}, permissions or {}
    with unit_of_work(db.write_session) as session:
        principal = till_principal(session, org_id)
        hierarchy_id = None
        if hierarchy is not None:
            stored = find_hierarchy(session, principal.org, hierarchy)
            assert stored is not None
            hierarchy_id = stored.id
        group = create_group(
            session,
            principal,
            "",
            external_id=f"G-{org_id}-{next(_groups)}",
            name=name,
            max_size=max_size,
            primary=get_customer(session, org_id, primary) if primary is not None else None,
            primary_role=roles.get(primary, "PRIMARY") if primary is not None else "PRIMARY",
            hierarchy_id=hierarchy_id,
        )
        for customer_id in members:
            join_group(
                session,
                principal,
                group,
                get_customer(session, org_id, customer_id),
                "",
                permissions=permissions.get(customer_id, []),
                role=roles.get(customer_id),
            )
        return group.id


def fleet(db: Database, org_id: int, owner: int, drivers: Sequence[int], **kwargs: Any) -> int:
    """The demo-fleet group of ``owner`` (primary, OWNER) with its DRIVER members."""
    roles = {owner: "OWNER", **dict.fromkeys(drivers, "DRIVER")}
    return make_group(
        db, org_id, drivers, primary=owner, hierarchy="demo-fleet", roles=roles, **kwargs
    )


def group_account(db: Database, org_id: int, group_id: int) -> Account | None:
    """The group's account in the demo program."""
    with unit_of_work(db.read_session) as session:
        return ledger.find_group_account(session, org_id, group_id, DEMO_PROGRAM_ID)


def group_points(db: Database, org_id: int, group_id: int) -> Decimal:
    """The group's redeemable points (0 without an account)."""
    found = group_account(db, org_id, group_id)
    return found.points if found is not None else Decimal(0)


def stored_bill(db: Database, bill_id: int) -> Bill:
    with unit_of_work(db.read_session) as session:
        found = session.get(Bill, bill_id)
        assert found is not None
        return found


def group_external_id(db: Database, org_id: int, group_id: int) -> str:
    with unit_of_work(db.read_session) as session:
        group = groups_repository.get_group(session, org_id, group_id)
        assert group is not None
        return group.external_id


def delete_group(db: Database, org_id: int, group_id: int, status: str = DELETED) -> None:
    """Give the group ``status`` (DELETED unless told otherwise)."""
    with unit_of_work(db.write_session) as session:
        group = groups_repository.get_group(session, org_id, group_id)
        assert group is not None
        group.status = status


def bill_count(db: Database, org_id: int) -> int:
    with unit_of_work(db.read_session) as session:
        return int(session.scalar(select(func.count(Bill.id)).where(Bill.org_id == org_id)) or 0)


def return_body(number: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "RETURN",
        "billNumber": number,
        "returnType": "FULL",
        "purchaseTime": "2026-01-01T10:00:00Z",
        **extra,
    }


POINTS_1000 = {
    "entityType": "USERGROUP2",
    "rawAwardedPoints": 10.0,
    "awardedPoints": 10.0,
    "type": "points",
}


# A tagged bill


def test_a_tagged_purchase_credits_the_group_not_the_customer(api: Api, db: Database) -> None:
    org_id = api.org.org_id
    member, mobile = customer(api)
    group_id = make_group(db, org_id, [member])
    before = points(db, org_id, member)
    answer = ok(post(api, mobile, purchase(1000, userGroup2Id=group_id)))
    assert answer["sideEffects"] == [POINTS_1000]
    assert group_points(db, org_id, group_id) == 10
    assert points(db, org_id, member) == before
    bill = stored_bill(db, answer["createdId"])
    assert (bill.group_id, bill.points, bill.customer_id) == (group_id, Decimal(10), member)
    assert bill.details["userGroup2Id"] == group_id


@pytest.mark.parametrize("tag", ["userGroup2ExternalId", "userGroup2PrimaryUserId"])
def test_a_group_is_also_named_by_external_id_or_primary_member(
    api: Api, db: Database, tag: str
) -> None:
    org_id = api.org.org_id
    owner, _ = customer(api)
    member, mobile = customer(api)
    group_id = make_group(db, org_id, [member], primary=owner)
    value = group_external_id(db, org_id, group_id) if tag == "userGroup2ExternalId" else owner
    ok(post(api, mobile, purchase(1000, **{tag: value})))
    assert group_points(db, org_id, group_id) == 10


def test_the_group_earns_in_its_own_account_purchases_and_lifetime(api: Api, db: Database) -> None:
    org_id = api.org.org_id
    first, first_mobile = customer(api)
    second, second_mobile = customer(api)
    group_id = make_group(db, org_id, [first, second])
    ok(post(api, first_mobile, purchase(1000, userGroup2Id=group_id)))
    ok(post(api, second_mobile, purchase(2000, userGroup2Id=group_id)))
    account = group_account(db, org_id, group_id)
    assert account is not None
    assert (account.points, account.lifetime, account.purchases) == (30, 30, 3000)
    assert (account.customer_id, account.group_id) == (None, group_id)


def test_a_member_of_a_plain_group_earns_for_itself_when_untagged(api: Api, db: Database) -> None:
    org_id = api.org.org_id
    member, mobile = customer(api)
    group_id = make_group(db, org_id, [member])
    before = points(db, org_id, member)
    answer = ok(post(api, mobile, purchase(1000)))
    assert answer["sideEffects"][0]["entityType"] == "USER"
    assert points(db, org_id, member) == before + 10
    assert group_account(db, org_id, group_id) is None


def test_a_non_loyalty_member_earns_nothing_for_the_group(api: Api, db: Database) -> None:
    org_id = api.org.org_id
    member, mobile = customer(api, loyalty=False)
    group_id = make_group(db, org_id, [member])
    answer = ok(post(api, mobile, purchase(1000, userGroup2Id=group_id)))
    assert answer["sideEffects"] == []
    assert group_account(db, org_id, group_id) is None
    assert stored_bill(db, answer["createdId"]).group_id is None


# Refusals of a tag


def test_an_unknown_group_is_refused_with_1619(api: Api, db: Database) -> None:
    _, mobile = customer(api)
    response = post(api, mobile, purchase(1000, userGroup2Id=987654321))
    assert (response.status_code, codes(response)) == (404, [1619])
    assert bill_count(db, api.org.org_id) == 0


@pytest.mark.parametrize("status", [DELETED, "INACTIVE"])
def test_a_group_that_is_not_active_is_refused_with_1619(
    api: Api, db: Database, status: str
) -> None:
    member, mobile = customer(api)
    group_id = make_group(db, api.org.org_id, [member])
    delete_group(db, api.org.org_id, group_id, status)
    response = post(api, mobile, purchase(1000, userGroup2Id=group_id))
    assert codes(response) == [1619]
    assert bill_count(db, api.org.org_id) == 0


@pytest.mark.parametrize("value", ["abc", "-3", "1.5", "99999999999999999999"])
def test_a_malformed_group_id_is_refused_with_1632(api: Api, db: Database, value: str) -> None:
    _, mobile = customer(api)
    response = post(api, mobile, purchase(1000, userGroup2Id=value))
    assert (response.status_code, codes(response)) == (400, [1632])
    assert bill_count(db, api.org.org_id) == 0


def test_a_group_the_customer_is_not_in_is_refused_with_1620(api: Api, db: Database) -> None:
    other, _ = customer(api)
    _, mobile = customer(api)
    group_id = make_group(db, api.org.org_id, [other])
    response = post(api, mobile, purchase(1000, userGroup2Id=group_id))
    assert (response.status_code, codes(response)) == (404, [1620])
    assert bill_count(db, api.org.org_id) == 0
    assert group_account(db, api.org.org_id, group_id) is None


def test_an_unknown_external_id_is_refused_with_1619(api: Api) -> None:
    _, mobile = customer(api)
    response = post(api, mobile, purchase(1000, userGroup2ExternalId="no-such-group"))
    assert codes(response) == [1619]


# Pooling hierarchies


def test_a_drivers_untagged_purchase_credits_the_owners_group(api: Api, db: Database) -> None:
    org_id = api.org.org_id
    owner, _ = customer(api)
    driver, mobile = customer(api)
    group_id = fleet(db, org_id, owner, [driver])
    owner_before, driver_before = points(db, org_id, owner), points(db, org_id, driver)
    answer = ok(post(api, mobile, purchase(1000)))
    assert answer["sideEffects"] == [POINTS_1000]
    assert group_points(db, org_id, group_id) == 10
    assert (points(db, org_id, owner), points(db, org_id, driver)) == (
        owner_before,
        driver_before,
    )
    assert stored_bill(db, answer["createdId"]).group_id == group_id


def test_the_owners_own_untagged_purchase_credits_its_group(api: Api, db: Database) -> None:
    org_id = api.org.org_id
    owner, mobile = customer(api)
    group_id = fleet(db, org_id, owner, [])
    ok(post(api, mobile, purchase(2000)))
    assert group_points(db, org_id, group_id) == 20


def test_a_role_that_does_not_earn_counts_purchases_but_earns_no_points(
    app_client: Any, db: Database
) -> None:
    driver_role = {
        **DEMO_HIERARCHY["roles"][1],
        "permissions": [{"permissionCode": "earn_points", "permissionValue": False}],
    }
    hierarchy = {**DEMO_HIERARCHY, "roles": [DEMO_HIERARCHY["roles"][0], driver_role]}
    api = Api(app_client, make_org(db, hierarchies=[hierarchy]))
    org_id = api.org.org_id
    owner, _ = customer(api)
    driver, mobile = customer(api)
    group_id = fleet(db, org_id, owner, [driver])
    answer = ok(post(api, mobile, purchase(1000)))
    assert answer["sideEffects"] == []
    account = group_account(db, org_id, group_id)
    assert account is not None
    assert (account.points, account.purchases) == (0, 1000)
    bill = stored_bill(db, answer["createdId"])
    assert (bill.group_id, bill.points) == (group_id, 0)


# The group's tier


def test_the_group_upgrades_by_its_own_purchases(api: Api, db: Database) -> None:
    org_id = api.org.org_id
    first, first_mobile = customer(api)
    second, second_mobile = customer(api)
    group_id = make_group(db, org_id, [first, second])
    ok(post(api, first_mobile, purchase(6000, userGroup2Id=group_id)))
    answer = ok(post(api, second_mobile, purchase(5000, userGroup2Id=group_id)))
    (slab,) = [e for e in answer["sideEffects"] if e["type"] == "slab"]
    assert (slab["entityType"], slab["previousSlabName"], slab["upgradedSlabName"]) == (
        "USERGROUP2",
        "BRONZE",
        "SILVER",
    )
    account = group_account(db, org_id, group_id)
    assert account is not None
    assert account.tier_number == 2
    # The members' own tiers do not move.
    for member in (first, second):
        with unit_of_work(db.read_session) as session:
            own = ledger.find_account(session, org_id, member, DEMO_PROGRAM_ID)
        assert own is not None
        assert own.tier_number == 1


def test_a_bill_earns_by_the_groups_tier(api: Api, db: Database) -> None:
    org_id = api.org.org_id
    member, mobile = customer(api)
    group_id = make_group(db, org_id, [member])
    ok(post(api, mobile, purchase(10000, userGroup2Id=group_id)))
    answer = ok(post(api, mobile, purchase(1000, userGroup2Id=group_id)))
    assert answer["sideEffects"][0]["awardedPoints"] == 15.0
    assert group_points(db, org_id, group_id) == 100 + 15


# Returns and bulk


def test_a_return_takes_the_points_back_from_the_group(api: Api, db: Database) -> None:
    org_id = api.org.org_id
    member, mobile = customer(api)
    group_id = make_group(db, org_id, [member])
    body = purchase(1000, userGroup2Id=group_id)
    ok(post(api, mobile, body))
    before = points(db, org_id, member)
    answer = ok(post(api, mobile, return_body(body["billNumber"])))
    (effect,) = answer["sideEffects"]
    assert (effect["entityType"], effect["awardedPoints"]) == ("USERGROUP2", -10.0)
    account = group_account(db, org_id, group_id)
    assert account is not None
    assert (account.points, account.returned, account.purchases) == (0, 10, 0)
    assert points(db, org_id, member) == before
    assert stored_bill(db, answer["createdId"]).group_id == group_id


def test_a_return_after_the_group_is_deleted_still_takes_back_from_it(
    api: Api, db: Database
) -> None:
    org_id = api.org.org_id
    owner, _ = customer(api)
    driver, mobile = customer(api)
    group_id = fleet(db, org_id, owner, [driver])
    body = purchase(1000)
    ok(post(api, mobile, body))
    delete_group(db, org_id, group_id)
    before = points(db, org_id, driver)
    ok(post(api, mobile, return_body(body["billNumber"])))
    assert group_points(db, org_id, group_id) == 0
    assert points(db, org_id, driver) == before


def test_a_tagged_bulk_item_credits_the_group(api: Api, db: Database) -> None:
    org_id = api.org.org_id
    member, mobile = customer(api)
    group_id = make_group(db, org_id, [member])
    item = {
        **purchase(1000, userGroup2Id=group_id),
        "identifierType": "mobile",
        "identifierValue": mobile,
        "source": "INSTORE",
    }
    bad = {**item, "billNumber": "BULK-BAD", "userGroup2Id": 987654321}
    answer = ok(api.post("/v2/transactions/bulk", json=[item, bad]))
    good, refused = answer["response"]
    assert good["result"]["sideEffects"] == [POINTS_1000]
    assert [e["code"] for e in refused["errors"]] == [1619]
    assert group_points(db, org_id, group_id) == 10
