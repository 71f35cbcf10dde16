"""Two referees registering with one code at once (PostgreSQL): both are linked and both
awards are credited, none lost."""

from __future__ import annotations

import pytest

from patron.db import Database
from tests.concurrency import concurrently, require_postgres
from tests.conftest import Api
from tests.referrals.support import code_of, customer, points_of, refer, stats


@pytest.fixture(autouse=True)
def on_postgres(backend: str) -> None:
    require_postgres(backend)


@pytest.mark.parametrize("round_", range(3))
def test_two_registrations_with_one_code_both_credit(api: Api, db: Database, round_: int) -> None:
    referrer, _ = customer(api)
    code = code_of(api, referrer)
    before = points_of(api, referrer)
    answers = concurrently(lambda: refer(api, code), lambda: refer(api, code))
    assert [a.status_code for a in answers] == [200, 200]
    for answer in answers:
        assert [e["customerId"] for e in answer.json()["sideEffects"] if e.get("isReferrer")] == [
            referrer
        ]
    assert points_of(api, referrer) == before + 100
    item = stats(api, referrer)["data"][0]
    assert len(item["referee"]) == 2
    assert len(item["incentives"]) == 2


def test_two_reads_make_one_code(api: Api) -> None:
    referrer, _ = customer(api)
    codes = concurrently(lambda: code_of(api, referrer), lambda: code_of(api, referrer))
    assert codes[0] == codes[1]
