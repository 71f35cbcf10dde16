"""Two customers linking one card at the same moment (PostgreSQL): one wins."""

from __future__ import annotations

import pytest

from tests.cards.support import (
    GENERATED,
    card,
    error,
    generate,
    link,
    new_customer,
    ok,
    register_with,
)
from tests.concurrency import concurrently, require_postgres
from tests.conftest import Api


@pytest.fixture(autouse=True)
def on_postgres(backend: str) -> None:
    require_postgres(backend)


@pytest.mark.parametrize("round_", range(3))
def test_two_registrations_with_one_card_link_it_once(api: Api, round_: int) -> None:
    (number,) = generate(api)
    ident = card(number, seriesCode=GENERATED, statusLabel="ACTIVE")
    results = concurrently(lambda: register_with(api, ident), lambda: register_with(api, ident))
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200, 409], [r.text for r in results]
    (loser,) = [r for r in results if r.status_code == 409]
    assert error(loser)[1] in (3009, 3027)
    (winner,) = [r for r in results if r.status_code == 200]
    log = ok(api.get("/v2/card/statusLog", params={"number": number}))["entity"]
    assert [e["customerId"] for e in log] == [None, winner.json()["createdId"]]


@pytest.mark.parametrize("round_", range(3))
def test_two_customers_adding_one_card_link_it_once(api: Api, round_: int) -> None:
    (number,) = generate(api)
    first, second = new_customer(api), new_customer(api)
    results = concurrently(lambda: link(api, first, number), lambda: link(api, second, number))
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200, 409], [r.text for r in results]
    (loser,) = [r for r in results if r.status_code == 409]
    assert error(loser)[1] in (3009, 3027)
    log = ok(api.get("/v2/card/statusLog", params={"number": number}))["entity"]
    assert len(log) == 2
