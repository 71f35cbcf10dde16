"""Two card sweeps at once (PostgreSQL): every due card is expired and logged once."""

from __future__ import annotations

import pytest

from patron.cards.tasks import run_card_sweep
from patron.db import Database
from patron.kit import clock
from tests.cards.test_expiry import YEAR_AND_A_DAY, issued, log_of
from tests.concurrency import concurrently, require_postgres
from tests.conftest import Api


@pytest.fixture(autouse=True)
def on_postgres(backend: str) -> None:
    require_postgres(backend)


@pytest.mark.parametrize("round_", range(3))
def test_two_sweeps_expire_each_card_once(api: Api, db: Database, round_: int) -> None:
    # The demo's generated series lets a customer hold one card: one customer per card.
    numbers = [issued(api)[1] for _ in range(4)]
    moment = clock.now() + YEAR_AND_A_DAY
    org_id = api.org.org_id
    results = concurrently(
        lambda: run_card_sweep(db, moment, org_id=org_id),
        lambda: run_card_sweep(db, moment, org_id=org_id),
    )
    assert [r["failed"] for r in results] == [0, 0]
    assert sum(r["expired"] for r in results) == len(numbers)
    for number in numbers:
        assert [e["status"] for e in log_of(api, number)].count("EXPIRED") == 1
