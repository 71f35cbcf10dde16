"""Two sweepers at once (PostgreSQL): a membership's expiry reminder is written once."""

from __future__ import annotations

import pytest

from patron.db import Database
from patron.partners.tasks import run_partner_sweep
from tests.api.helpers import events
from tests.concurrency import concurrently, require_postgres
from tests.conftest import Api
from tests.partners.test_sweep import REMINDER, linked_expiring_in


@pytest.fixture(autouse=True)
def on_postgres(backend: str) -> None:
    require_postgres(backend)


@pytest.mark.parametrize("round_", range(3))
def test_two_sweepers_remind_a_membership_once(api: Api, db: Database, round_: int) -> None:
    linked_expiring_in(api, 2)
    org_id = api.org.org_id
    results = concurrently(
        lambda: run_partner_sweep(db, org_id=org_id),
        lambda: run_partner_sweep(db, org_id=org_id),
    )
    assert sorted(r["reminded"] for r in results) == [0, 1]
    assert len(events(db, org_id, REMINDER)) == 1


def test_two_sweepers_delink_an_expired_membership_once(api: Api, db: Database) -> None:
    linked_expiring_in(api, -1)
    org_id = api.org.org_id
    results = concurrently(
        lambda: run_partner_sweep(db, org_id=org_id),
        lambda: run_partner_sweep(db, org_id=org_id),
    )
    assert sorted(r["delinked"] for r in results) == [0, 1]
    assert len(events(db, org_id, "partnerProgramDelinked")) == 1
