"""Apps of their own for auth tests: failed logins must not leak into other tests' limits."""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from patron.app import create_app
from patron.config import Settings
from patron.db import Database
from tests.conftest import OrgCredentials

# Small thresholds so the tests reach them in a few requests; the window outlasts any test.
LIMITS = {
    "login_failures_per_till": 3,
    "login_failures_per_client": 3,
    "login_failures_per_address": 5,
    "login_failure_window_seconds": 600,
}
WRONG_MD5 = "0" * 32
PASSWORD = "pw"


@pytest.fixture
def auth_app(settings: Settings, db: Database) -> FastAPI:
    """An app with a limiter (and caches) of its own and small failure thresholds."""
    return create_app(settings.model_copy(update=LIMITS), db)


ClientFactory = Callable[[str], TestClient]


@pytest.fixture
def client_from(auth_app: FastAPI) -> Iterator[ClientFactory]:
    """Make clients of ``auth_app`` that connect from a given address."""
    clients: list[TestClient] = []

    def make(address: str) -> TestClient:
        client = TestClient(auth_app, raise_server_exceptions=False, client=(address, 50000))
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(client_from: ClientFactory) -> TestClient:
    """A client of ``auth_app`` from one address."""
    return client_from("192.0.2.1")


def basic(till_code: str, password_md5: str) -> dict[str, str]:
    """Basic authentication headers for a till code and an MD5 hex password."""
    token = base64.b64encode(f"{till_code}:{password_md5}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def wrong_basic(org: OrgCredentials) -> dict[str, str]:
    """Basic headers of the org's till with a wrong password."""
    return basic(org.till_code, WRONG_MD5)


class ScryptCalls:
    """Counts scrypt runs (every secret check runs exactly one)."""

    def __init__(self) -> None:
        self.count = 0

    def reset(self) -> None:
        """Start counting from zero."""
        self.count = 0


@pytest.fixture
def scrypt_calls(monkeypatch: pytest.MonkeyPatch) -> ScryptCalls:
    """Count calls of hashlib.scrypt for the duration of the test."""
    calls = ScryptCalls()
    real = hashlib.scrypt

    def counting(*args: Any, **kwargs: Any) -> bytes:
        calls.count += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counting)
    return calls


def unique(prefix: str) -> str:
    """Return a code no other test uses (till codes and client keys are global)."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def till_spec(code: str, *, active: bool = True) -> dict[str, Any]:
    """A till of an org file, with the password ``pw``."""
    return {"code": code, "name": f"Till {code}", "password": PASSWORD, "active": active}


def store_spec(code: str, *tills: dict[str, Any]) -> dict[str, Any]:
    """A store of an org file with its tills."""
    return {
        "code": code,
        "name": f"Store {code}",
        "externalId": f"EXT-{code}",
        "tills": list(tills),
    }
