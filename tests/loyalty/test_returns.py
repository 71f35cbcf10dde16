"""Returns through ``POST /v2/transactions``: FULL, AMOUNT, LINE_ITEM and CANCELLED returns take
their points back pro rata, never more than is left, and never lower the tier."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from patron.db import Database, unit_of_work
from patron.loyalty import ledger
from patron.loyalty.ledger import Cause, Kind, Posting
from patron.loyalty.models import Bill, Entry
from patron.orgs.demo import DEMO_PROGRAM_ID
from tests.api.helpers import codes
from tests.conftest import Api
from tests.loyalty.test_transactions import (
    account,
    bill,
    customer,
    ok,
    points,
    points_effect,
    post,
    purchase,
)

PURCHASED = "2025-01-10T10:00:00+00:00"


def giving_back(
    number: str, return_type: str, amount: float | None = None, **extra: Any
) -> dict[str, Any]:
    """A RETURN body."""
    body: dict[str, Any] = {
        "type": "RETURN",
        "billNumber": number,
        "returnType": return_type,
        "purchaseTime": PURCHASED,
        **extra,
    }
    if amount is not None:
        body["billAmount"] = amount
    return body


def spend(db: Database, org_id: int, customer_id: int, how_many: Decimal) -> None:
    """Redeem points straight through the ledger."""
    with unit_of_work(db.write_session) as session:
        found = ledger.find_account(session, org_id, customer_id, DEMO_PROGRAM_ID, lock=True)
        assert found is not None
        posting = Posting(Cause.MANUAL, None, None, dt.datetime.now(dt.UTC))
        ledger.debit(session, found, Kind.REDEMPTION, how_many, posting)


def test_full_return_takes_all_its_points_back(api: Api, db: Database) -> None:
    cid, mobile = customer(api)
    before = points(db, api.org.org_id, cid)
    purchase_id = ok(post(api, mobile, purchase(1000, "F-1")))["createdId"]
    assert points(db, api.org.org_id, cid) == before + 10
    answer = ok(post(api, mobile, giving_back("F-1", "FULL", 1000), "&rawSideEffects=true"))
    assert answer["sideEffects"] == [
        {"entityType": "USER", "rawAwardedPoints": -10.0, "awardedPoints": -10.0, "type": "points"}
    ]
    (raw,) = answer["rawSideEffects"]
    assert (raw["type"], raw["points"], raw["billNumber"]) == ("RETURN", -10, "F-1")
    assert points(db, api.org.org_id, cid) == before
    found = account(db, api.org.org_id, cid)
    assert found is not None
    assert (found.purchases, found.returned) == (Decimal(0), Decimal(10))
    original = bill(db, purchase_id)
    assert (original.amount_returned, original.points_returned) == (Decimal(1000), Decimal(10))
    returned = bill(db, answer["createdId"])
    assert (returned.type, returned.return_type, returned.parent_id) == (
        "RETURN",
        "FULL",
        purchase_id,
    )
    assert (returned.purchase_key, returned.amount, returned.points) == (
        None,
        Decimal(1000),
        Decimal(10),
    )
    assert answer["loyaltyDetails"][0]["returned"] == 10


def test_full_return_needs_no_amount(api: Api, db: Database) -> None:
    cid, mobile = customer(api)
    before = points(db, api.org.org_id, cid)
    ok(post(api, mobile, purchase(3000, "F-2")))
    ok(post(api, mobile, giving_back("F-2", "FULL")))
    assert points(db, api.org.org_id, cid) == before


def test_cancelled_return_is_a_full_return(api: Api, db: Database) -> None:
    cid, mobile = customer(api)
    before = points(db, api.org.org_id, cid)
    ok(post(api, mobile, purchase(2000, "C-1")))
    ok(post(api, mobile, giving_back("C-1", "AMOUNT", 500)))
    answer = ok(post(api, mobile, giving_back("C-1", "CANCELLED")))
    assert bill(db, answer["createdId"]).amount == 1500
    assert points(db, api.org.org_id, cid) == before


def test_amount_return_takes_points_pro_rata(api: Api, db: Database) -> None:
    cid, mobile = customer(api)
    ok(post(api, mobile, purchase(1000, "A-1")))
    after_purchase = points(db, api.org.org_id, cid)
    first = post(api, mobile, giving_back("A-1", "AMOUNT", 250))
    assert points_effect(first) == -3  # 10 x 250 / 1,000 = 2.5, half up
    assert first.json()["sideEffects"][0]["rawAwardedPoints"] == -2.5
    assert points(db, api.org.org_id, cid) == after_purchase - 3
    found = account(db, api.org.org_id, cid)
    assert found is not None
    assert found.purchases == 750
    # The return that ends the purchase takes every point left of it.
    last = post(api, mobile, giving_back("A-1", "AMOUNT", 750))
    assert points_effect(last) == -7
    assert points(db, api.org.org_id, cid) == after_purchase - 10


def test_line_item_return_takes_the_lines_amount(api: Api, db: Database) -> None:
    cid, mobile = customer(api)
    lines = [{"itemCode": "A", "amount": 600}, {"itemCode": "B", "rate": 100, "qty": 4}]
    ok(post(api, mobile, purchase(1000, "L-1", lineItemsV2=lines)))
    after_purchase = points(db, api.org.org_id, cid)
    body = giving_back(
        "L-1", "LINE_ITEM", lineItemsV2=[{"itemCode": "B", "rate": 100, "qty": 2, "discount": 20}]
    )
    answer = ok(post(api, mobile, body))
    assert bill(db, answer["createdId"]).amount == 180
    assert points_effect_of(answer) == -2  # 10 x 180 / 1,000 = 1.8
    assert points(db, api.org.org_id, cid) == after_purchase - 2


def points_effect_of(answer: dict[str, Any]) -> float:
    """The ``awardedPoints`` of an answer body."""
    return float(answer["sideEffects"][0]["awardedPoints"])


def test_return_after_the_points_were_redeemed_takes_only_what_is_left(
    api: Api, db: Database
) -> None:
    cid, mobile = customer(api)
    purchase_id = ok(post(api, mobile, purchase(1000, "R-1")))["createdId"]
    spend(db, api.org.org_id, cid, points(db, api.org.org_id, cid) - 4)
    answer = ok(post(api, mobile, giving_back("R-1", "FULL")))
    assert answer["sideEffects"][0]["awardedPoints"] == -4
    assert points(db, api.org.org_id, cid) == 0
    assert bill(db, purchase_id).points_returned == 4
    found = account(db, api.org.org_id, cid)
    assert found is not None
    assert (found.returned, found.purchases) == (Decimal(4), Decimal(0))


def test_return_larger_than_the_purchase_answers_626(api: Api, db: Database) -> None:
    cid, mobile = customer(api)
    ok(post(api, mobile, purchase(1000, "X-1")))
    before = points(db, api.org.org_id, cid)
    too_much = post(api, mobile, giving_back("X-1", "AMOUNT", 1000.5))
    assert (too_much.status_code, codes(too_much)) == (400, [626])
    ok(post(api, mobile, giving_back("X-1", "AMOUNT", 600)))
    assert codes(post(api, mobile, giving_back("X-1", "AMOUNT", 401))) == [626]
    lines = [{"itemCode": "A", "amount": 500}]
    assert codes(post(api, mobile, giving_back("X-1", "LINE_ITEM", lineItemsV2=lines))) == [626]
    ok(post(api, mobile, giving_back("X-1", "FULL")))
    assert codes(post(api, mobile, giving_back("X-1", "FULL"))) == [626]
    assert points(db, api.org.org_id, cid) == before - 10


def test_return_never_lowers_the_tier(api: Api, db: Database) -> None:
    cid, mobile = customer(api)
    ok(post(api, mobile, purchase(12000, "T-1")))
    answer = ok(post(api, mobile, giving_back("T-1", "FULL")))
    assert [e["type"] for e in answer["sideEffects"]] == ["points"]
    found = account(db, api.org.org_id, cid)
    assert found is not None
    assert (found.tier_number, found.purchases) == (2, Decimal(0))


@pytest.mark.parametrize("number", ["NOPE", "OTHERS"])
def test_return_of_a_bill_the_customer_has_not_answers_625(api: Api, number: str) -> None:
    _, other_mobile = customer(api)
    ok(post(api, other_mobile, purchase(1000, "OTHERS")))
    _, mobile = customer(api)
    response = post(api, mobile, giving_back(number, "FULL"))
    assert (response.status_code, codes(response)) == (404, [625])


def test_not_interested_bill_is_returned_by_its_own_type(api: Api, db: Database) -> None:
    cid, mobile = customer(api)
    ok(post(api, mobile, purchase(100)))
    before = account(db, api.org.org_id, cid)
    ok(post(api, mobile, {"type": "NOT_INTERESTED", "billNumber": "N-1", "billAmount": 800}))
    assert codes(post(api, mobile, giving_back("N-1", "FULL"))) == [625]
    body = {**giving_back("N-1", "AMOUNT", 300), "type": "NOT_INTERESTED_RETURN"}
    answer = ok(post(api, mobile, body))
    assert answer["sideEffects"] == []
    stored = bill(db, answer["createdId"])
    assert (stored.type, stored.amount, stored.points) == (
        "NOT_INTERESTED_RETURN",
        Decimal(300),
        Decimal(0),
    )
    assert codes(post(api, mobile, {**body, "billAmount": 501})) == [626]
    after = account(db, api.org.org_id, cid)
    assert before is not None
    assert after is not None
    assert (after.points, after.purchases, after.returned) == (
        before.points,
        before.purchases,
        before.returned,
    )
    ok(post(api, mobile, purchase(100, "P-1")))
    regular = {**giving_back("P-1", "FULL"), "type": "NOT_INTERESTED_RETURN"}
    assert codes(post(api, mobile, regular)) == [625]


def test_return_of_a_non_loyalty_purchase_moves_no_points(api: Api, db: Database) -> None:
    cid, mobile = customer(api, loyalty=False)
    ok(post(api, mobile, purchase(1000, "NL-1")))
    answer = ok(post(api, mobile, giving_back("NL-1", "AMOUNT", 400)))
    assert answer["sideEffects"] == []
    assert account(db, api.org.org_id, cid) is None
    assert bill(db, answer["createdId"]).amount == 400


def test_each_return_is_one_journal_entry(api: Api, db: Database) -> None:
    _, mobile = customer(api)
    ok(post(api, mobile, purchase(1000, "J-1")))
    first = ok(post(api, mobile, giving_back("J-1", "AMOUNT", 100)))["createdId"]
    second = ok(post(api, mobile, giving_back("J-1", "FULL")))["createdId"]
    with unit_of_work(db.read_session) as session:
        returns = session.execute(
            select(Entry.key, Entry.points).where(
                Entry.org_id == api.org.org_id, Entry.kind == Kind.RETURN.value
            )
        ).all()
        assert sorted(tuple(r) for r in returns) == sorted(
            [(f"bill:{first}:return", Decimal(-1)), (f"bill:{second}:return", Decimal(-9))]
        )
        children = session.scalars(select(Bill.id).where(Bill.parent_id.is_not(None))).all()
        assert {first, second} <= set(children)


def test_bad_return_is_refused_with_its_code(api: Api, db: Database) -> None:
    cid, mobile = customer(api)
    ok(post(api, mobile, purchase(1000, "BAD-1")))
    before = points(db, api.org.org_id, cid)
    for change, code in (
        ({"purchaseTime": None}, 624),
        ({"purchaseTime": "last week"}, 400),
        ({"returnType": None}, 632),
        ({"returnType": "SOME"}, 400),
        ({"returnType": "LINE_ITEM"}, 633),
        ({"returnType": "LINE_ITEM", "lineItemsV2": [{"itemCode": "A"}]}, 633),
        ({"returnType": "AMOUNT", "billAmount": 0}, 601),
        ({"returnType": "AMOUNT", "billAmount": None}, 601),
        ({"returnType": "FULL", "billAmount": -3}, 601),
    ):
        body = {**giving_back("BAD-1", "FULL", 100), **change}
        response = post(api, mobile, {k: v for k, v in body.items() if v is not None})
        assert (response.status_code, codes(response)) == (400, [code]), (change, response.text)
    assert points(db, api.org.org_id, cid) == before
