"""Over a real ``patron serve`` with its card sweep running: a linked card whose expiry has
passed becomes EXPIRED by the server itself, logged once, and stays so across a restart."""

from __future__ import annotations

import itertools
import sqlite3
import time
from collections.abc import Iterator
from typing import Any

import httpx
import psycopg
import pytest

from tests.server.conftest import start_server
from tests.server.process import Server

_mobiles = itertools.count(60_000_000)
# The demo's generated series expires a card 365 days after its issue; no test waits that
# long, so the card's expiry is moved to its issue, as a year later would find it.
MAKE_DUE = "UPDATE cards SET expires_at = issued_at WHERE number = {mark}"


@pytest.fixture
def sweeping(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server of its own whose card sweep runs every half second."""
    running = start_server(backend, tmp_path_factory, PATRON_CARD_SWEEP_SECONDS="0.5")
    yield running
    running.stop()
    running.drop_database()


def ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def make_due(server: Server, number: str) -> None:
    if server.database_url:
        with psycopg.connect(server.libpq_url, autocommit=True) as conn:
            changed = conn.execute(MAKE_DUE.format(mark="%s"), (number,)).rowcount
    else:
        with sqlite3.connect(server.sqlite_path, timeout=30) as conn:
            changed = conn.execute(MAKE_DUE.format(mark="?"), (number,)).rowcount
    assert changed == 1


def register_with_card(client: httpx.Client) -> tuple[int, str]:
    generate = {"seriesCode": "DEMO-GEN", "count": 1, "statusLabel": "NOT_ISSUED"}
    (number,) = ok(client.post("/v2/card/generate", json=generate))["entity"]
    identifiers = [
        {"type": "mobile", "value": f"9195{next(_mobiles):08d}"},
        {"type": "cardnumber", "value": number, "seriesCode": "DEMO-GEN", "statusLabel": "ACTIVE"},
    ]
    body = {
        "loyaltyInfo": {"loyaltyType": "loyalty"},
        "profiles": [{"source": "INSTORE", "identifiers": identifiers}],
    }
    return int(ok(client.post("/v2/customers", json=body))["createdId"]), number


def status_of(client: httpx.Client, customer_id: int) -> str:
    (details,) = ok(client.get(f"/v2/customers/{customer_id}"))["cardDetails"]
    status: str = details["statusInfo"]["status"]
    return status


def wait_for_expiry(client: httpx.Client, customer_id: int, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if status_of(client, customer_id) == "EXPIRED":
            return True
        time.sleep(0.2)
    return False


def test_a_due_card_is_expired_by_the_server_once_across_a_restart(sweeping: Server) -> None:
    with sweeping.client() as client:
        customer_id, number = register_with_card(client)
        _, kept = register_with_card(client)
        # Several sweeps pass before the card is due: none expires it early.
        time.sleep(1.5)
        assert status_of(client, customer_id) == "ACTIVE"
    make_due(sweeping, number)
    with sweeping.client() as client:
        assert wait_for_expiry(client, customer_id)
        log = ok(client.get("/v2/card/statusLog", params={"number": number}))["entity"]
        assert [(e["status"], e["reason"]) for e in log][-1] == ("EXPIRED", "expired")
    sweeping.stop()
    sweeping.start()
    time.sleep(2)
    with sweeping.client() as client:
        log = ok(client.get("/v2/card/statusLog", params={"number": number}))["entity"]
        assert [e["status"] for e in log] == ["NOT_ISSUED", "ACTIVE", "EXPIRED"]
        other = ok(client.get("/v2/card/statusLog", params={"number": kept}))["entity"]
        assert [e["status"] for e in other] == ["NOT_ISSUED", "ACTIVE"]
        refused = client.put("/v2/card", json={"cardNumber": number, "statusLabel": "ACTIVE"})
        assert refused.status_code == 400
        assert refused.json()["errors"][0]["code"] == 3038
