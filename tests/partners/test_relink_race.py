"""Relinks raced (PostgreSQL): two sweepers apply a relink once; two relinks of one membership
queue one; a cancellation racing the sweep either cancels it or finds it applied, never both."""

from __future__ import annotations

import pytest

from patron.db import Database
from patron.partners.tasks import run_partner_sweep
from tests.api.helpers import events
from tests.concurrency import concurrently, require_postgres
from tests.conftest import Api
from tests.partners.support import PLUS, code, day, link, status, update
from tests.partners.test_relink import CANCEL, LINKED, UPDATED, after_days, linked_today, relinks


@pytest.fixture(autouse=True)
def on_postgres(backend: str) -> None:
    require_postgres(backend)


@pytest.mark.parametrize("round_", range(3))
def test_two_sweepers_apply_a_relink_once(api: Api, db: Database, round_: int) -> None:
    _, mobile = linked_today(api)
    assert code(link(api, mobile, PLUS, membershipStartDate=day(3))) == 200
    org_id = api.org.org_id
    moment = after_days(3)
    results = concurrently(
        lambda: run_partner_sweep(db, moment, org_id),
        lambda: run_partner_sweep(db, moment, org_id),
    )
    assert sorted(r["relinked"] for r in results) == [0, 1]
    assert len(events(db, org_id, LINKED)) == 2


@pytest.mark.parametrize("round_", range(3))
def test_two_relinks_at_once_queue_one(api: Api, db: Database, round_: int) -> None:
    _, mobile = linked_today(api)
    results = concurrently(
        lambda: link(api, mobile, PLUS, membershipStartDate=day(3)),
        lambda: link(api, mobile, PLUS, membershipStartDate=day(4)),
    )
    assert sorted(status(r)["code"] for r in results) == [200, 2005]
    assert len(relinks(db, api.org.org_id)) == 1


@pytest.mark.parametrize("round_", range(3))
def test_a_cancellation_racing_the_sweep_cancels_or_finds_it_applied(
    api: Api, db: Database, round_: int
) -> None:
    _, mobile = linked_today(api)
    assert code(link(api, mobile, PLUS, membershipStartDate=day(3))) == 200
    org_id = api.org.org_id
    moment = after_days(3)
    swept, cancelled = concurrently(
        lambda: run_partner_sweep(db, moment, org_id),
        lambda: update(api, mobile, CANCEL, PLUS),
    )
    outcome = (swept["relinked"], status(cancelled)["code"])
    assert outcome in {(1, 2001), (0, 200)}
    assert len(events(db, org_id, LINKED)) == 1 + swept["relinked"]
    assert len(events(db, org_id, UPDATED)) == (1 if outcome == (0, 200) else 0)
    assert relinks(db, org_id) == []
