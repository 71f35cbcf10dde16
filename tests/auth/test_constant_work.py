"""A 401 costs one scrypt check whether or not the till or API client exists (no enumeration)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from patron.db import Database
from tests.auth.conftest import (
    WRONG_MD5,
    ScryptCalls,
    basic,
    store_spec,
    till_spec,
    unique,
)
from tests.conftest import make_org

PATH = "/v2/extendedFields"
TOKEN = "/v3/oauth/token/generate"


def test_a_failed_basic_login_runs_one_scrypt_for_known_unknown_and_inactive_tills(
    client: TestClient, db: Database, scrypt_calls: ScryptCalls
) -> None:
    active, inactive = unique("till"), unique("till")
    make_org(
        db,
        stores=[store_spec(unique("store"), till_spec(active), till_spec(inactive, active=False))],
        apiClients=[],
    )
    for code in (active, inactive, unique("unknown")):
        scrypt_calls.reset()
        assert client.get(PATH, headers=basic(code, WRONG_MD5)).status_code == 401
        assert scrypt_calls.count == 1, code


def test_a_failed_token_request_runs_one_scrypt_for_known_unknown_and_inactive_clients(
    client: TestClient, db: Database, scrypt_calls: ScryptCalls
) -> None:
    till, active, inactive = unique("till"), unique("key"), unique("key")
    make_org(
        db,
        stores=[store_spec(unique("store"), till_spec(till))],
        apiClients=[
            {"key": active, "secret": "secret", "till": till},
            {"key": inactive, "secret": "secret", "till": till, "active": False},
        ],
    )
    for key, secret in ((active, "wrong"), (inactive, "secret"), (unique("unknown"), "secret")):
        scrypt_calls.reset()
        assert client.post(TOKEN, json={"key": key, "secret": secret}).status_code == 401
        assert scrypt_calls.count == 1, key
