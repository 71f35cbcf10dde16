"""``patron loyalty``: expire (at a chosen moment), renew, and check the ledger's invariants."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from patron.config import Settings
from patron.db import Database, unit_of_work
from patron.kit import clock
from patron.loyalty.cli import app
from patron.loyalty.models import Account
from tests.conftest import Api, OrgCredentials, make_org
from tests.loyalty.test_expiry import (
    QUIET_PROGRAM,
    account_of,
    credit,
    customer,
    lot_of,
    put_in_tier,
)


@pytest.fixture
def org(db: Database) -> OrgCredentials:
    """An org of its own whose program awards nothing on registration."""
    return make_org(db, loyaltyPrograms=[QUIET_PROGRAM])


@pytest.fixture
def run(settings: Settings) -> CliRunner:
    return CliRunner(
        env={
            "PATRON_DATABASE_URL": settings.resolved_database_url,
            "PATRON_DATA_DIR": str(settings.data_dir),
        }
    )


def test_expire_at_a_moment_expires_what_is_due_then(
    api: Api, db: Database, run: CliRunner
) -> None:
    org_id = api.org.org_id
    cid = customer(api)
    expires = clock.now() + dt.timedelta(days=3)
    lot_id = credit(db, org_id, cid, 40, expires_at=expires)
    args = ["expire", "--org", str(org_id), "--at"]

    early = run.invoke(app, [*args, (expires - dt.timedelta(seconds=1)).isoformat()])
    assert early.exit_code == 0, early.output
    assert "expired 0 lot(s)" in early.output
    assert lot_of(db, lot_id).remaining == 40

    due = run.invoke(app, [*args, expires.isoformat()])
    assert due.exit_code == 0, due.output
    assert "expired 1 lot(s) (40 points) of 1 account(s)" in due.output
    assert account_of(db, org_id, cid).expired == 40

    again = run.invoke(app, [*args, expires.isoformat()])
    assert "expired 0 lot(s)" in again.output


def test_expire_refuses_a_moment_that_is_no_date(run: CliRunner) -> None:
    result = run.invoke(app, ["expire", "--at", "next tuesday"])
    assert result.exit_code == 2
    assert "not an ISO 8601 date-time" in result.output


def test_renew_lowers_a_tier_whose_validity_ended(api: Api, db: Database, run: CliRunner) -> None:
    org_id = api.org.org_id
    cid = customer(api)
    put_in_tier(db, org_id, cid, 3, clock.now() - dt.timedelta(days=10))
    at = (clock.now() + dt.timedelta(days=400)).isoformat()
    result = run.invoke(app, ["renew", "--org", str(org_id), "--at", at])
    assert result.exit_code == 0, result.output
    assert "renewed 0 tier(s), downgraded 1" in result.output
    assert account_of(db, org_id, cid).tier_number == 2


def test_check_exits_1_and_names_each_difference(api: Api, db: Database, run: CliRunner) -> None:
    org_id = api.org.org_id
    cid = customer(api)
    credit(db, org_id, cid, 10, expires_at=None)
    account = account_of(db, org_id, cid)
    clean = run.invoke(app, ["check", "--org", str(org_id)])
    assert clean.exit_code == 0, clean.output
    assert "every account agrees" in clean.output

    with unit_of_work(db.write_session) as session:
        session.execute(update(Account).where(Account.id == account.id).values(expired=5))
    try:
        broken = run.invoke(app, ["check", "--org", str(org_id)])
        assert broken.exit_code == 1, broken.output
        assert f"account {account.id}: expired is 5" in broken.output
        assert "1 difference(s) found" in broken.output
    finally:
        with unit_of_work(db.write_session) as session:
            session.execute(update(Account).where(Account.id == account.id).values(expired=0))
