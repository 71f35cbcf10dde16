"""Concurrent associations (PostgreSQL): a parent's last child place is taken once."""

from __future__ import annotations

import pytest

from tests.concurrency import concurrently, require_postgres
from tests.conftest import Api
from tests.factories import unique_mobile
from tests.groups.test_associations import customer, error_codes, post, written
from tests.groups.test_associations_errors import define, item_of, role


@pytest.fixture(autouse=True)
def on_postgres(backend: str) -> None:
    require_postgres(backend)


@pytest.mark.parametrize("round_", range(2))
def test_two_children_racing_for_the_last_place_take_it_once(api: Api, round_: int) -> None:
    define(api, f"race-{round_}", role("BOSS", "HAND", maxChild=1), role("HAND"))
    boss = unique_mobile()
    written(api, [item_of(boss, f"race-{round_}", "BOSS")])

    def hand() -> object:
        body = item_of(unique_mobile(), f"race-{round_}", "HAND", parentCustomer=customer(boss))
        return post(api, [body])

    results = concurrently(hand, hand)
    assert sorted(r.status_code for r in results) == [200, 400], [r.text for r in results]
    refused = next(r for r in results if r.status_code == 400)
    assert error_codes(refused.json()[0]["entity"]) == [1607]
