"""Concurrent spending of the same points (PostgreSQL): one redemption wins, nothing goes
negative, and opposite transfers complete without deadlock."""

from __future__ import annotations

from decimal import Decimal

import pytest

from patron.db import Database, unit_of_work
from patron.kit import clock
from patron.loyalty import accounts, ledger
from patron.loyalty.ledger import Cause, Kind, Posting
from patron.loyalty.models import Account
from patron.orgs.service import load_org_config
from tests.api.helpers import codes
from tests.concurrency import concurrently, require_postgres
from tests.conftest import Api
from tests.loyalty.test_redemptions import balance, loyal, redeem, seed
from tests.loyalty.test_transfers import by_id, transfer


@pytest.fixture(autouse=True)
def on_postgres(backend: str) -> None:
    require_postgres(backend)


def empty_to(db: Database, org_id: int, customer_id: int, points: int) -> None:
    """Leave the customer with exactly ``points`` redeemable points."""
    with unit_of_work(db.write_session) as session:
        org = load_org_config(session, org_id)
        assert org is not None
        program = org.program(1)
        assert program is not None
        at = clock.now()
        account = accounts.enrol(session, org, program, customer_id, at)
        posting = Posting(cause=Cause.MANUAL, cause_id=None, till_id=None, at=at)
        if account.points:
            ledger.debit(session, account, Kind.ADJUSTMENT, account.points, posting)
        ledger.credit(session, account, Kind.GOODWILL, Decimal(points), posting, expires_at=None)


def ledger_account(db: Database, org_id: int, customer_id: int) -> Account:
    with unit_of_work(db.read_session) as session:
        account = ledger.find_account(session, org_id, customer_id, 1)
        assert account is not None
        session.expunge(account)
        return account


@pytest.mark.parametrize("round_", range(3))
def test_two_redemptions_of_the_same_points(api: Api, db: Database, round_: int) -> None:
    customer = loyal(api)
    empty_to(db, api.org.org_id, customer, 100)
    results = concurrently(lambda: redeem(api, customer, 100), lambda: redeem(api, customer, 100))
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200, 400], [r.text for r in results]
    (refused,) = [r for r in results if r.status_code == 400]
    assert codes(refused) == [804]
    account = ledger_account(db, api.org.org_id, customer)
    assert account.points == 0
    assert account.redeemed == 100


@pytest.mark.parametrize("round_", range(3))
def test_opposite_transfers_do_not_deadlock(api: Api, db: Database, round_: int) -> None:
    a, b = loyal(api), loyal(api)
    seed(db, api.org.org_id, a, 100)
    seed(db, api.org.org_id, b, 100)
    before = balance(db, api.org.org_id, a) + balance(db, api.org.org_id, b)
    results = concurrently(
        lambda: transfer(api, 30, by_id(a), by_id(b)),
        lambda: transfer(api, 20, by_id(b), by_id(a)),
    )
    assert [r.status_code for r in results] == [200, 200], [r.text for r in results]
    assert balance(db, api.org.org_id, a) + balance(db, api.org.org_id, b) == before
    assert api.get(f"/v2/customers/{a}/pointsTransfers").json()["data"][0]["transferId"] in {
        r.json()["data"][0]["transferId"] for r in results
    }


@pytest.mark.parametrize("round_", range(2))
def test_a_retried_reference_redeems_once(api: Api, db: Database, round_: int) -> None:
    customer = loyal(api)
    empty_to(db, api.org.org_id, customer, 300)
    results = concurrently(
        lambda: redeem(api, customer, 100, externalReferenceNumber="RETRY"),
        lambda: redeem(api, customer, 100, externalReferenceNumber="RETRY"),
    )
    assert [r.status_code for r in results] == [200, 200], [r.text for r in results]
    assert sorted(len(r.json()["warnings"]) for r in results) == [0, 1]
    assert len({r.json()["redemptionId"] for r in results}) == 1
    assert ledger_account(db, api.org.org_id, customer).points == 200
