"""Concurrent transactions (PostgreSQL): one bill number is added once, and earns once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from patron.db import Database, unit_of_work
from patron.loyalty.models import Bill, Entry
from tests.api.helpers import codes
from tests.concurrency import concurrently, require_postgres
from tests.conftest import Api
from tests.loyalty.test_transactions import customer, points, post, purchase


@pytest.fixture(autouse=True)
def on_postgres(backend: str) -> None:
    require_postgres(backend)


@pytest.mark.parametrize("round_", range(2))
@pytest.mark.parametrize("same_customer", [True, False], ids=["one_customer", "two_customers"])
def test_same_bill_number_twice_at_once_is_added_once(
    api: Api, db: Database, round_: int, same_customer: bool
) -> None:
    cid, mobile = customer(api)
    other, other_mobile = (cid, mobile) if same_customer else customer(api)
    before = points(db, api.org.org_id, cid) + points(db, api.org.org_id, other)
    number = f"RACE-{round_}"
    results = concurrently(
        lambda: post(api, mobile, purchase(1000, number)),
        lambda: post(api, other_mobile, purchase(1000, number)),
    )
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200, 409], [r.text for r in results]
    assert [codes(r) for r in results if r.status_code == 409] == [[604]]
    with unit_of_work(db.read_session) as session:
        bills = session.scalar(
            select(func.count()).where(Bill.org_id == api.org.org_id, Bill.bill_number == number)
        )
        awards = session.scalar(
            select(func.count()).where(
                Entry.org_id == api.org.org_id, Entry.kind == "AWARD", Entry.cause_type == "bill"
            )
        )
    assert (bills, awards) == (1, 1)
    after = points(db, api.org.org_id, cid) + points(db, api.org.org_id, other)
    assert after == before + (20 if same_customer else 10)
