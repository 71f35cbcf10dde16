"""Over a real ``patron serve`` with its partner sweep running: a DemoPlus membership linked
inside its reminder window is reminded once by the server itself, and a restarted server never
reminds it again."""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from collections.abc import Iterator

import psycopg
import pytest

from tests.server.conftest import start_server
from tests.server.process import Server

REMINDER = "supplementaryMembershipExpiryReminder"
COUNT = "SELECT count(*) FROM events WHERE event_name = '{name}' AND ref_id = '{ref}'"


@pytest.fixture
def sweeping(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server of its own whose partner sweep runs every half second."""
    running = start_server(backend, tmp_path_factory, PATRON_PARTNER_SWEEP_SECONDS="0.5")
    yield running
    running.stop()
    running.drop_database()


def reminders(server: Server, ref: str) -> int:
    query = COUNT.format(name=REMINDER, ref=ref)
    if server.database_url:
        with psycopg.connect(server.libpq_url, autocommit=True) as conn:
            row = conn.execute(query).fetchone()
    else:
        with sqlite3.connect(server.sqlite_path, timeout=30) as conn:
            row = conn.execute(query).fetchone()
    assert row is not None
    return int(row[0])


def wait_for(server: Server, ref: str, timeout: float = 20.0) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = reminders(server, ref)
        if found:
            return found
        time.sleep(0.2)
    return 0


def test_a_membership_inside_its_window_is_reminded_once_across_a_restart(
    sweeping: Server,
) -> None:
    # A year's membership that began a year ago less three days ends in three days: its
    # reminder (seven days before) is due at once.
    ends = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=3)
    start = ends.replace(year=ends.year - 1, day=min(ends.day, 28))
    mobile = "919512345678"
    with sweeping.client() as client:
        registered = client.post(
            "/v2/customers",
            json={
                "loyaltyInfo": {"loyaltyType": "loyalty"},
                "profiles": [
                    {"source": "INSTORE", "identifiers": [{"type": "mobile", "value": mobile}]}
                ],
            },
        )
        assert registered.status_code == 200, registered.text
        customer_id = registered.json()["createdId"]
        linked = client.post(
            "/v2/partnerProgram/linkCustomer",
            json={
                "linkCustomers": [
                    {
                        "customer": {"mobile": mobile},
                        "linkToPartnerPrograms": [
                            {
                                "partnerProgramName": "DemoPlus",
                                "customerPartnerReference": {
                                    "membershipStartDate": start.isoformat()
                                },
                            }
                        ],
                    }
                ]
            },
        )
        assert linked.status_code == 200, linked.text
    ref = f"100_{customer_id}"
    assert wait_for(sweeping, ref) == 1
    sweeping.stop()
    sweeping.start()
    # Several sweeps of the restarted server: none reminds the membership again.
    time.sleep(3)
    assert reminders(sweeping, ref) == 1
