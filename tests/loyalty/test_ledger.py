"""The ledger: first-expiring-first, balances equal to the journal, and the database refusing
a negative balance whatever the code path."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from patron.db import Database, unit_of_work
from patron.kit import clock
from patron.loyalty import accounts, audit, ledger
from patron.loyalty.ledger import Cause, InsufficientPoints, Kind, Posting
from patron.loyalty.models import Account, Lot
from patron.orgs.config import OrgConfig
from patron.orgs.service import load_org_config
from tests.api.helpers import register
from tests.conftest import Api
from tests.factories import profile

NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)


def customer(api: Api) -> int:
    return register(api, {"loyaltyInfo": {"loyaltyType": "non_loyalty"}, "profiles": [profile()]})


def org_of(session: Session, api: Api) -> OrgConfig:
    org = load_org_config(session, api.org.org_id)
    assert org is not None
    return org


def posting(key: str | None = None) -> Posting:
    return Posting(Cause.MANUAL, None, None, NOW, key=key)


def open_with_lots(session: Session, api: Api, customer_id: int) -> Account:
    org = org_of(session, api)
    program = org.default_program
    assert program is not None
    account = accounts.enrol(session, org, program, customer_id, NOW)
    for points, days in ((30, 90), (50, 10), (20, None)):
        expires = NOW + dt.timedelta(days=days) if days is not None else None
        ledger.credit(
            session, account, Kind.GOODWILL, Decimal(points), posting(), expires_at=expires
        )
    return account


def remaining(session: Session, account: Account) -> list[tuple[Decimal, Decimal]]:
    lots = session.query(Lot).filter(Lot.account_id == account.id).order_by(Lot.id)
    return [(lot.points, lot.remaining) for lot in lots]


def test_debits_take_the_first_expiring_lot_first(api: Api, db: Database) -> None:
    customer_id = customer(api)
    with unit_of_work(db.write_session) as session:
        account = open_with_lots(session, api, customer_id)
        ledger.debit(session, account, Kind.REDEMPTION, Decimal(60), posting())
        # The 10-day lot (50) goes first, then 10 of the 90-day lot; the lot that never
        # expires is spent last.
        assert remaining(session, account) == [(30, 20), (50, 0), (20, 20)]
        assert account.points == 40
        assert account.redeemed == 60
        assert audit.check_account(session, account) == []


def test_a_debit_beyond_the_balance_is_refused_and_changes_nothing(api: Api, db: Database) -> None:
    customer_id = customer(api)
    with unit_of_work(db.write_session) as session:
        account = open_with_lots(session, api, customer_id)
        with pytest.raises(InsufficientPoints):
            ledger.debit(session, account, Kind.REDEMPTION, Decimal(101), posting())
        assert account.points == 100


def test_a_partial_debit_takes_what_there_is(api: Api, db: Database) -> None:
    customer_id = customer(api)
    with unit_of_work(db.write_session) as session:
        account = open_with_lots(session, api, customer_id)
        entry = ledger.debit(session, account, Kind.RETURN, Decimal(150), posting(), partial=True)
        assert entry.points == -100
        assert account.points == 0
        assert account.returned == 100


def test_expiring_a_lot_takes_only_its_remainder(api: Api, db: Database) -> None:
    customer_id = customer(api)
    with unit_of_work(db.write_session) as session:
        account = open_with_lots(session, api, customer_id)
        ledger.debit(session, account, Kind.REDEMPTION, Decimal(45), posting())
        lot = session.query(Lot).filter(Lot.account_id == account.id, Lot.points == 50).one()
        entry = ledger.expire_lot(session, account, lot, posting())
        assert entry is not None
        assert entry.points == -5
        assert account.expired == 5
        assert ledger.expire_lot(session, account, lot, posting()) is None
        assert audit.check_account(session, account) == []


def test_delayed_points_are_not_redeemable_until_released(api: Api, db: Database) -> None:
    customer_id = customer(api)
    with unit_of_work(db.write_session) as session:
        org = org_of(session, api)
        program = org.default_program
        assert program is not None
        account = accounts.enrol(session, org, program, customer_id, NOW)
        _, lot = ledger.credit(
            session,
            account,
            Kind.AWARD,
            Decimal(40),
            posting(),
            expires_at=None,
            available_at=NOW + dt.timedelta(days=7),
        )
        assert lot is not None
        assert (account.points, account.delayed, account.lifetime) == (0, 40, 40)
        with pytest.raises(InsufficientPoints):
            ledger.debit(session, account, Kind.REDEMPTION, Decimal(1), posting())
        ledger.release_lot(session, account, lot, posting())
        assert (account.points, account.delayed) == (40, 0)
        assert audit.check_account(session, account) == []


def test_a_natural_key_credits_once(api: Api, db: Database) -> None:
    customer_id = customer(api)
    with unit_of_work(db.write_session) as session:
        account = open_with_lots(session, api, customer_id)
        ledger.credit(session, account, Kind.GOODWILL, Decimal(5), posting("once"), expires_at=None)
        account_id = account.id
    with unit_of_work(db.write_session) as session:
        again = session.get(Account, account_id)
        assert again is not None
        with pytest.raises(IntegrityError):
            ledger.credit(
                session, again, Kind.GOODWILL, Decimal(5), posting("once"), expires_at=None
            )
        session.rollback()


def test_the_database_refuses_a_negative_balance(api: Api, db: Database) -> None:
    customer_id = customer(api)
    with unit_of_work(db.write_session) as session:
        account_id = open_with_lots(session, api, customer_id).id
    with pytest.raises(IntegrityError), unit_of_work(db.write_session) as session:
        session.execute(update(Account).where(Account.id == account_id).values(points=-1))


def test_the_database_refuses_a_lot_below_zero(api: Api, db: Database) -> None:
    customer_id = customer(api)
    with unit_of_work(db.write_session) as session:
        account_id = open_with_lots(session, api, customer_id).id
    with pytest.raises(IntegrityError), unit_of_work(db.write_session) as session:
        session.execute(update(Lot).where(Lot.account_id == account_id).values(remaining=-1))


def test_the_check_reports_a_balance_that_disagrees_with_the_journal(
    api: Api, db: Database
) -> None:
    customer_id = customer(api)
    with unit_of_work(db.write_session) as session:
        account = open_with_lots(session, api, customer_id)
        account.points += 1
        problems = audit.check_account(session, account)
        assert any("points is 101" in p for p in problems)
        account.points -= 1


def test_amounts_keep_three_decimals_exactly(api: Api, db: Database) -> None:
    customer_id = customer(api)
    with unit_of_work(db.write_session) as session:
        account = open_with_lots(session, api, customer_id)
        ledger.credit(session, account, Kind.GOODWILL, Decimal("0.105"), posting(), expires_at=None)
        account_id = account.id
    with unit_of_work(db.read_session) as session:
        stored = session.get(Account, account_id)
        assert stored is not None
        assert stored.points == Decimal("100.105")
        assert clock.now() > NOW


def test_a_lot_past_its_expiry_is_never_spent_even_before_the_sweep(api: Api, db: Database) -> None:
    customer_id = customer(api)
    with unit_of_work(db.write_session) as session:
        account = open_with_lots(session, api, customer_id)
        later = Posting(Cause.MANUAL, None, None, NOW + dt.timedelta(days=11))
        # The 10-day lot (50) has lapsed: the debit expires it first and spends the others.
        with pytest.raises(InsufficientPoints):
            ledger.debit(session, account, Kind.REDEMPTION, Decimal(51), later)
        ledger.debit(session, account, Kind.REDEMPTION, Decimal(50), later)
        assert account.expired == 50
        assert account.points == 0
        assert audit.check_account(session, account) == []
