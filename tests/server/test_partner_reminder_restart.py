"""Over a real ``patron serve`` with its partner sweep running: a DemoPlus reminder that falls
due while the server is down is delivered to a real receiver once, by the restarted server,
and never again after another restart."""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from collections.abc import Iterator

import psycopg
import pytest

from tests.reliability.receiver import Receiver
from tests.server.conftest import start_server
from tests.server.process import Server
from tests.server.test_partner_reminder import REMINDER, reminders
from tests.server.test_partners import ok, register

# Seconds from now at which the reminder falls due: after the server has swept a few times
# (and been stopped), before it is started again.
DUE_IN = 2.0


@pytest.fixture
def sweeping(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server of its own whose partner sweep runs every half second."""
    running = start_server(backend, tmp_path_factory, PATRON_PARTNER_SWEEP_SECONDS="0.5")
    yield running
    running.stop()
    running.drop_database()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver()
    yield running
    running.close()


def schedule_reminder(server: Server, customer_id: int, due: dt.datetime) -> None:
    """Move the membership's stored reminder moment to ``due`` (the server's clock is the
    host's, and a reminder falls due at the start of a day: this stands for that day)."""
    query = "UPDATE partner_memberships SET remind_at = {} WHERE customer_id = {}"
    if server.database_url:
        with psycopg.connect(server.libpq_url, autocommit=True) as conn:
            conn.execute(query.format("%s", "%s"), (due, customer_id))
    else:
        stored = due.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        with sqlite3.connect(server.sqlite_path, timeout=30) as conn:
            conn.execute(query.format("?", "?"), (stored, customer_id))


def test_a_reminder_due_while_the_server_is_down_is_sent_once_after_restarts(
    sweeping: Server, receiver: Receiver
) -> None:
    with sweeping.client() as client:
        hook = {
            "name": "reminders",
            "webHookUrl": receiver.url("/hook"),
            "eventNames": [REMINDER],
            "payloadFormat": "RAW",
            "maxAllowedConnections": 2,
        }
        ok(client.post("/v3/webHooks", json=hook))
        customer_id, mobile = register(client)
        link = {
            "linkCustomers": [
                {
                    "customer": {"mobile": mobile},
                    "linkToPartnerPrograms": [{"partnerProgramName": "DemoPlus"}],
                }
            ]
        }
        [entry] = ok(client.post("/v2/partnerProgram/linkCustomer", json=link))["linkCustomers"]
        assert entry["linkToPartnerPrograms"][0]["partnerLinkStatus"]["code"] == 200
    ref = f"100_{customer_id}"
    schedule_reminder(sweeping, customer_id, dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10))
    # Sweeps of the running server before the due time send nothing.
    time.sleep(2)
    assert reminders(sweeping, ref) == 0
    sweeping.stop()
    # The due time comes while the server is down (moved close now, however long the stop took).
    due = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=DUE_IN)
    schedule_reminder(sweeping, customer_id, due)
    time.sleep(max(0.0, (due - dt.datetime.now(dt.UTC)).total_seconds()) + 1)
    assert reminders(sweeping, ref) == 0
    sweeping.start()
    [delivered] = receiver.wait_for(lambda seen: len(seen) >= 1, timeout=30)
    assert delivered.payload["eventName"] == REMINDER
    assert delivered.payload["data"]["customerIdentifiers"]["customerId"] == customer_id
    assert reminders(sweeping, ref) == 1
    sweeping.stop()
    sweeping.start()
    # Several sweeps of the server restarted again: nothing is reminded or delivered again.
    time.sleep(3)
    assert reminders(sweeping, ref) == 1
    assert len(receiver.requests()) == 1
