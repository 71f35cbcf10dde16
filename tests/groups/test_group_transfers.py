"""POST /v2/points/userGroup2/isTransferrable and /transfer: whole points between a group and
one of its members, or between two groups, through the ledger with expiries kept."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from patron.db import Database, unit_of_work
from patron.loyalty.models import Account, Entry, Lot, Transfer
from patron.orgs.demo import DEMO_PROGRAM
from tests.api.helpers import codes
from tests.conftest import Api, make_org
from tests.groups.test_pooling import group_external_id, group_points, make_group
from tests.loyalty.test_redemptions import balance, loyal, seed
from tests.loyalty.test_transactions import customer, ok, post, purchase
from tests.loyalty.test_transfers import LOCAL_DATETIME, by_id

TRANSFER = "/v2/points/userGroup2/transfer"
CHECK = "/v2/points/userGroup2/isTransferrable"
ITEM_KEYS = {
    "toEntityId",
    "toEntityType",
    "fromEntityId",
    "fromEntityType",
    "pointsTransferDate",
    "pointsTransferred",
    "transferId",
    "transferType",
    "transferredFrom",
    "transferredTo",
    "notes",
    "programName",
}


def funded_group(api: Api, db: Database, points: int = 100, **kwargs: Any) -> tuple[int, int]:
    """A group holding ``points`` (earned by its member's tagged bill); (group, member)."""
    member, mobile = customer(api)
    group_id = make_group(db, api.org.org_id, [member], **kwargs)
    ok(post(api, mobile, purchase(points * 100, userGroup2Id=group_id)))
    assert group_points(db, api.org.org_id, group_id) == points
    return group_id, member


def move(api: Api, points: Any, path: str = TRANSFER, **sides: Any) -> Any:
    return api.post(path, json={"pointsTobeTransferred": points, **sides})


def group_lots(db: Database, group_id: int) -> list[tuple[Decimal, dt.datetime | None]]:
    with unit_of_work(db.read_session) as session:
        query = (
            select(Lot.remaining, Lot.expires_at)
            .join(Account, Account.id == Lot.account_id)
            .where(Account.group_id == group_id, Lot.remaining > 0)
            .order_by(Lot.id)
        )
        return [(remaining, expires) for remaining, expires in session.execute(query)]


def test_a_group_gives_points_to_a_member(api: Api, db: Database) -> None:
    group_id, member = funded_group(api, db)
    before = balance(db, api.org.org_id, member)
    answer = ok(move(api, 40, fromUserGroup2Id=group_id, toCustomerIdentifier=by_id(member)))
    (item,) = answer["data"]
    assert set(item) == ITEM_KEYS
    assert (item["fromEntityType"], item["fromEntityId"]) == ("USERGROUP2", group_id)
    assert (item["toEntityType"], item["toEntityId"]) == ("CUSTOMER", member)
    assert (item["pointsTransferred"], item["transferType"]) == (40.0, "DEDUCTION")
    assert item["transferredFrom"]["groupId"] == group_id
    assert item["transferredTo"] == {"userId": member, "firstName": "Tom", "lastName": "Sawyer"}
    assert LOCAL_DATETIME.fullmatch(item["pointsTransferDate"])
    assert group_points(db, api.org.org_id, group_id) == 60
    assert balance(db, api.org.org_id, member) == before + 40


def test_a_member_gives_points_to_its_group(api: Api, db: Database) -> None:
    group_id, member = funded_group(api, db)
    before = balance(db, api.org.org_id, member)
    answer = ok(move(api, 30, fromCustomerIdentifier=by_id(member), toUserGroup2Id=group_id))
    (item,) = answer["data"]
    assert (item["fromEntityType"], item["toEntityType"]) == ("CUSTOMER", "USERGROUP2")
    assert group_points(db, api.org.org_id, group_id) == 130
    assert balance(db, api.org.org_id, member) == before - 30


def test_points_move_between_two_groups_by_external_id(api: Api, db: Database) -> None:
    group_id, _ = funded_group(api, db)
    other = make_group(db, api.org.org_id)
    ok(
        move(
            api,
            25,
            fromUserGroup2ExternalId=group_external_id(db, api.org.org_id, group_id),
            toUserGroup2Id=other,
            notes="merge fleets",
        )
    )
    assert group_points(db, api.org.org_id, group_id) == 75
    assert group_points(db, api.org.org_id, other) == 25


def test_moved_points_keep_their_expiry(api: Api, db: Database) -> None:
    group_id, _ = funded_group(api, db)
    other = make_group(db, api.org.org_id)
    ok(move(api, 25, fromUserGroup2Id=group_id, toUserGroup2Id=other))
    [(_, source_expiry)] = group_lots(db, group_id)
    assert group_lots(db, other) == [(Decimal(25), source_expiry)]


def test_is_transferrable_answers_without_moving_points(api: Api, db: Database) -> None:
    group_id, member = funded_group(api, db)
    answer = ok(move(api, 40, CHECK, fromUserGroup2Id=group_id, toCustomerIdentifier=by_id(member)))
    assert answer["data"] == [
        {
            "pointsTobeTransferred": 40.0,
            "transferFrom": group_id,
            "fromEntityType": "USERGROUP2",
            "transferTo": member,
            "toEntityType": "CUSTOMER",
            "transferrable": True,
        }
    ]
    assert group_points(db, api.org.org_id, group_id) == 100


@pytest.mark.parametrize("path", [TRANSFER, CHECK])
def test_more_than_the_group_holds_is_refused_with_804(api: Api, db: Database, path: str) -> None:
    group_id, member = funded_group(api, db)
    response = move(api, 101, path, fromUserGroup2Id=group_id, toCustomerIdentifier=by_id(member))
    assert (response.status_code, codes(response)) == (400, [804])
    assert group_points(db, api.org.org_id, group_id) == 100


@pytest.mark.parametrize(("points", "code"), [(None, 422), (1.5, 807), (0, 807), ("x", 807)])
def test_points_must_be_whole(api: Api, db: Database, points: Any, code: int) -> None:
    group_id, member = funded_group(api, db)
    response = move(api, points, fromUserGroup2Id=group_id, toCustomerIdentifier=by_id(member))
    assert codes(response) == [code]


def test_a_group_that_never_earned_has_no_points_818(api: Api, db: Database) -> None:
    member = loyal(api)
    group_id = make_group(db, api.org.org_id, [member])
    response = move(api, 1, fromUserGroup2Id=group_id, toCustomerIdentifier=by_id(member))
    assert codes(response) == [818]


def test_a_customer_outside_the_group_is_refused_with_1620(api: Api, db: Database) -> None:
    group_id, _ = funded_group(api, db)
    stranger = loyal(api)
    seed(db, api.org.org_id, stranger, 50)
    for sides in (
        {"fromUserGroup2Id": group_id, "toCustomerIdentifier": by_id(stranger)},
        {"fromCustomerIdentifier": by_id(stranger), "toUserGroup2Id": group_id},
    ):
        response = move(api, 10, **sides)
        assert (response.status_code, codes(response)) == (404, [1620])
    assert group_points(db, api.org.org_id, group_id) == 100


@pytest.mark.parametrize("direction", ["to_member", "from_member"])
def test_a_member_whose_transfer_is_blocked_is_refused_with_1644(
    api: Api, db: Database, direction: str
) -> None:
    member = loyal(api)
    group_id = make_group(
        db, api.org.org_id, [member], permissions={member: ["block_points_transfer"]}
    )
    seed(db, api.org.org_id, member, 50)
    if direction == "to_member":
        sides = {"fromUserGroup2Id": group_id, "toCustomerIdentifier": by_id(member)}
    else:
        sides = {"fromCustomerIdentifier": by_id(member), "toUserGroup2Id": group_id}
    response = move(api, 10, **sides)
    assert (response.status_code, codes(response)) == (403, [1644])


@pytest.mark.parametrize(
    ("sides", "code"),
    [
        ({"toUserGroup2Id": "GROUP"}, 400),
        ({"fromUserGroup2Id": "GROUP", "fromUserGroup2ExternalId": "x", "toUserGroup2Id": 1}, 400),
        ({"fromUserGroup2Id": "GROUP", "toUserGroup2Id": "GROUP"}, 418),
        ({"fromUserGroup2Id": "GROUP", "toUserGroup2Id": 987654321}, 1619),
        ({"fromUserGroup2Id": "GROUP", "toUserGroup2Id": "abc"}, 1632),
        ({"fromUserGroup2Id": "GROUP", "toCustomerIdentifier": {"type": "ID"}}, 8013),
        ({"fromUserGroup2Id": "GROUP", "toCustomerIdentifier": by_id(987654321)}, 8015),
    ],
)
def test_a_bad_side_answers_its_code(
    api: Api, db: Database, sides: dict[str, Any], code: int
) -> None:
    group_id, _ = funded_group(api, db)
    filled = {k: group_id if v == "GROUP" else v for k, v in sides.items()}
    assert codes(move(api, 10, **filled)) == [code]
    assert group_points(db, api.org.org_id, group_id) == 100


def test_two_customers_are_refused_here_with_400(api: Api) -> None:
    first, second = loyal(api), loyal(api)
    response = move(
        api, 10, fromCustomerIdentifier=by_id(first), toCustomerIdentifier=by_id(second)
    )
    assert codes(response) == [400]


def test_a_program_without_transfers_refuses_with_403(app_client: TestClient, db: Database) -> None:
    api = Api(app_client, make_org(db, loyaltyPrograms=[{**DEMO_PROGRAM, "allowTransfer": False}]))
    group_id, member = funded_group(api, db)
    response = move(api, 10, fromUserGroup2Id=group_id, toCustomerIdentifier=by_id(member))
    assert (response.status_code, codes(response)) == (403, [403])


def test_an_unknown_program_is_refused_with_885(api: Api, db: Database) -> None:
    group_id, member = funded_group(api, db)
    response = move(
        api, 10, fromUserGroup2Id=group_id, toCustomerIdentifier=by_id(member), programId=99
    )
    assert codes(response) == [885]


def test_a_receiving_group_is_enrolled_at_its_first_transfer(api: Api, db: Database) -> None:
    group_id, _ = funded_group(api, db)
    other = make_group(db, api.org.org_id)
    ok(move(api, 10, fromUserGroup2Id=group_id, toUserGroup2Id=other))
    (item,) = ok(api.get(f"/v2/userGroup2/loyaltyDetails?id={other}"))["data"]
    assert (item["loyaltyId"], item["loyaltyPoints"], item["lifetimePoints"]) == (other, 10.0, 10.0)


def test_a_group_transfer_is_recorded_with_both_parties(api: Api, db: Database) -> None:
    group_id, member = funded_group(api, db)
    answer = ok(move(api, 30, fromUserGroup2Id=group_id, toCustomerIdentifier=by_id(member)))
    (item,) = answer["data"]
    with unit_of_work(db.read_session) as session:
        record = session.get(Transfer, item["transferId"])
        assert record is not None
        assert (record.from_group_id, record.from_customer_id) == (group_id, None)
        assert (record.to_customer_id, record.to_group_id) == (member, None)
        assert record.points == 30
        legs = session.scalars(
            select(Entry).where(Entry.cause_type == "transfer", Entry.cause_id == record.id)
        ).all()
        assert sorted(leg.points for leg in legs) == [-30, 30]
    # The member's own pointsTransfers lists customer-to-customer transfers only.
    listed = ok(api.get(f"/v2/customers/{member}/pointsTransfers"))
    assert listed["data"] == []
