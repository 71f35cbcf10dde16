"""Over real sockets: a failed commit is never a 2xx, and errors keep the connection alive."""

from __future__ import annotations

import http.client
import json
import sqlite3
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from tests.server.process import DEMO_BASIC, Server
from tests.server.test_read_after_write import mobile, ok, register

FAIL_NAME = "FAIL-AT-COMMIT"

# A deferred check fails only when the transaction commits: after every statement succeeded.
POSTGRES_TRIGGER = f"""
CREATE OR REPLACE FUNCTION patron_test_fail_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'injected commit failure'; END $$;
DROP TRIGGER IF EXISTS patron_test_fail_commit ON profiles;
CREATE CONSTRAINT TRIGGER patron_test_fail_commit AFTER INSERT OR UPDATE ON profiles
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.first_name = '{FAIL_NAME}')
    EXECUTE FUNCTION patron_test_fail_commit();
"""
POSTGRES_CLEANUP = "DROP TRIGGER IF EXISTS patron_test_fail_commit ON profiles;"
# SQLite has no deferred triggers, but a deferred foreign key is checked at COMMIT.
SQLITE_TRIGGER = f"""
CREATE TABLE IF NOT EXISTS patron_test_parent (id INTEGER PRIMARY KEY);
CREATE TABLE IF NOT EXISTS patron_test_child (
    parent_id INTEGER REFERENCES patron_test_parent (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TRIGGER IF NOT EXISTS patron_test_fail_insert AFTER INSERT ON profiles
    WHEN NEW.first_name = '{FAIL_NAME}' BEGIN INSERT INTO patron_test_child VALUES (-1); END;
CREATE TRIGGER IF NOT EXISTS patron_test_fail_update AFTER UPDATE ON profiles
    WHEN NEW.first_name = '{FAIL_NAME}' BEGIN INSERT INTO patron_test_child VALUES (-1); END;
"""
SQLITE_CLEANUP = """
DROP TRIGGER IF EXISTS patron_test_fail_insert;
DROP TRIGGER IF EXISTS patron_test_fail_update;
"""


def _run_sql(server: Server, script: str) -> None:
    if server.dialect == "postgresql":
        with psycopg.connect(server.libpq_url, autocommit=True) as conn:
            conn.execute(script)  # type: ignore[arg-type]
        return
    conn = sqlite3.connect(server.sqlite_path, timeout=30)
    try:
        conn.executescript(script)
    finally:
        conn.close()


@pytest.fixture
def failing_commits(server: Server) -> Iterator[None]:
    """Make every commit that writes a profile named FAIL_NAME fail."""
    _run_sql(server, POSTGRES_TRIGGER if server.dialect == "postgresql" else SQLITE_TRIGGER)
    yield
    _run_sql(server, POSTGRES_CLEANUP if server.dialect == "postgresql" else SQLITE_CLEANUP)


def _registration(number: str, first_name: str) -> dict[str, Any]:
    return {
        "loyaltyInfo": {"loyaltyType": "loyalty"},
        "profiles": [
            {
                "firstName": first_name,
                "source": "INSTORE",
                "identifiers": [{"type": "mobile", "value": number}],
            }
        ],
    }


@pytest.mark.usefixtures("failing_commits")
def test_registration_whose_commit_fails_is_an_error_and_leaves_nothing(server: Server) -> None:
    number = mobile()
    with server.client() as client:
        answer = client.post("/v2/customers", json=_registration(number, FAIL_NAME))
        assert answer.status_code in (409, 503), answer.text
        assert answer.json()["errors"][0]["code"] == answer.status_code
        lookup = client.get(
            "/v2/customers/lookup",
            params={"source": "INSTORE", "identifierName": "mobile", "identifierValue": number},
        )
        assert lookup.status_code == 404
        assert lookup.json()["errors"][0]["code"] == 8015
        # The identifier was not taken: the same registration with another name succeeds.
        assert register(client, number) > 0


@pytest.mark.usefixtures("failing_commits")
def test_update_whose_commit_fails_is_an_error_and_changes_nothing(server: Server) -> None:
    with server.client() as client:
        customer = register(client, mobile())
        answer = client.put(
            f"/v2/customers/{customer}",
            params={"source": "INSTORE"},
            json={"profiles": [{"firstName": FAIL_NAME}], "extendedFields": {"city": "Pune"}},
        )
        assert answer.status_code in (409, 503), answer.text
        fetched = ok(client.get(f"/v2/customers/{customer}", params={"source": "INSTORE"}))
        assert fetched["profiles"][0]["firstName"] == "Ada"
        assert "city" not in fetched["extendedFields"]


class Connection:
    """One raw HTTP/1.1 connection; it fails the test if it is ever reopened."""

    def __init__(self, server: Server) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        self.conn.connect()
        self.socket = self.conn.sock

    def call(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, Any]]:
        sent = {"Authorization": DEMO_BASIC, "Content-Type": "application/json", **(headers or {})}
        self.conn.request(method, path, body=body, headers=sent)
        response = self.conn.getresponse()
        data = response.read()
        assert not response.will_close, f"{method} {path} closed the connection"
        assert self.conn.sock is self.socket, "the connection was reopened"
        return response.status, json.loads(data) if data else {}

    def close(self) -> None:
        self.conn.close()


def _named(first_name: bytes) -> bytes:
    """A registration that would be stored but for its first name (a raw JSON string)."""
    return (
        b'{"loyaltyInfo": {"loyaltyType": "loyalty"}, "profiles": [{"source": "INSTORE", '
        b'"firstName": '
        + first_name
        + b', "identifiers": [{"type": "mobile", "value": "'
        + mobile().encode()
        + b'"}]}]}'
    )


BAD_REQUESTS = [
    ("POST", "/v2/customers", b'{"profiles": [', {}, 400),
    ("POST", "/v2/customers", _named(b'"\\ud800"'), {}, 400),
    ("POST", "/v2/customers", _named(b'"a\\u0000b"'), {}, 400),
    ("GET", "/v2/customers/99999999999999999999999?source=ALL", None, {}, 400),
    (
        "GET",
        "/v2/customers/lookup?source=INSTORE&identifierName=mobile&identifierValue=%00",
        None,
        {},
        400,
    ),
    ("GET", "/v2/customers/wishlist?email=a@example.com", None, {}, 404),
    ("GET", "/v2/no/such/path", None, {}, 404),
    ("GET", "/v2/customers/123456789?source=ALL", None, {}, 404),
    ("DELETE", "/v2/customers/1", None, {}, 405),
    ("GET", "/v2/extendedFields", None, {"Authorization": "Basic bm8tY29sb24="}, 401),
    ("POST", "/v2/customers", b"{" + b" " * 70_000 + b"}", {}, 413),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "headers", "status"),
    BAD_REQUESTS,
    ids=[f"{n}-{status}-{path[:30]}" for n, (_, path, _, _, status) in enumerate(BAD_REQUESTS)],
)
def test_error_answers_keep_the_connection_alive(
    server: Server,
    method: str,
    path: str,
    body: bytes | None,
    headers: dict[str, str],
    status: int,
) -> None:
    connection = Connection(server)
    try:
        answered, envelope = connection.call(method, path, body, headers)
        assert answered == status
        assert envelope["errors"][0]["code"] in (status, 8015)
        again, health = connection.call("GET", "/v2/extendedFields")
        assert again == 200
        assert "entity" in health
    finally:
        connection.close()
