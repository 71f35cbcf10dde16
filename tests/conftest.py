"""Test fixtures: every test runs against SQLite and, when reachable, PostgreSQL.

The schema always comes from the migrations. Each test works in an org of its own, so tests
never see each other's customers or events and no cleanup is needed between them.
"""

from __future__ import annotations

import base64
import itertools
import os
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")

import psycopg  # noqa: E402
import pytest  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from patron.app import create_app  # noqa: E402
from patron.config import Settings  # noqa: E402
from patron.db import Database, open_database, unit_of_work  # noqa: E402
from patron.kit.secrets import md5_hex  # noqa: E402
from patron.migrate import upgrade  # noqa: E402
from patron.orgs.demo import DEMO_ORG  # noqa: E402
from patron.orgs.schemas import OrgFile  # noqa: E402
from patron.orgs.service import apply_org_file  # noqa: E402

PG_ADMIN_URL = os.environ.get(
    "PATRON_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres"
)
PG_TEST_DB = os.environ.get("PATRON_TEST_PG_DB", "patron_test")


def _postgres_reachable() -> bool:
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


POSTGRES = _postgres_reachable()
if not POSTGRES and os.environ.get("CI"):
    raise pytest.UsageError("PostgreSQL is not reachable on CI: the suite must run on it")

BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql", marks=pytest.mark.skipif(not POSTGRES, reason="PostgreSQL not reachable")
    ),
]


def _fresh_postgres(name: str) -> str:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def make_settings(backend: str, data_dir: Path) -> Settings:
    """Settings for a test database of ``backend`` (migrated, empty)."""
    if backend == "sqlite":
        url = f"sqlite:///{data_dir / 'patron.db'}"
    else:
        url = _fresh_postgres(f"{PG_TEST_DB}_{os.getpid()}")
    data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(url)
    # Delivery tests start dispatchers of their own, with short delays. Every in-process
    # client connects from one address: the failed-login limits are tested with apps of their
    # own (tests/auth), so the shared app must not reach them.
    return Settings(
        database_url=url,
        data_dir=data_dir,
        log_json=False,
        create_demo_org=False,
        dispatcher=False,
        # Tests expire points at moments of their choosing, never the clock's.
        loyalty_sweep_seconds=0,
        partner_sweep_seconds=0,
        card_sweep_seconds=0,
        login_failures_per_till=1_000_000,
        login_failures_per_client=1_000_000,
        login_failures_per_address=1_000_000,
    )


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend of this run of the test."""
    return str(request.param)


def drop_postgres(url: str) -> None:
    """Drop a test database (connections still open to it are closed)."""
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def settings(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Settings of a migrated database of the current backend, shared by the session."""
    made = make_settings(backend, tmp_path_factory.mktemp(f"data-{backend}"))
    yield made
    if backend == "postgresql":
        drop_postgres(made.resolved_database_url)


@pytest.fixture(scope="session")
def db(settings: Settings) -> Iterator[Database]:
    """The open database of the current backend."""
    database = open_database(settings)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def app_client(settings: Settings, db: Database) -> Iterator[TestClient]:
    """An in-process client of the API, shared by the session."""
    with TestClient(create_app(settings, db), raise_server_exceptions=False) as client:
        yield client


_org_ids = itertools.count(1000)


@dataclass
class OrgCredentials:
    """An org created for one test, with its till credentials."""

    org_id: int
    till_code: str
    till_password: str
    client_key: str
    client_secret: str

    @property
    def basic(self) -> dict[str, str]:
        """Basic authentication headers of the org's till."""
        token = base64.b64encode(
            f"{self.till_code}:{md5_hex(self.till_password)}".encode()
        ).decode()
        return {"Authorization": f"Basic {token}"}

    @property
    def approver_basic(self) -> dict[str, str]:
        """Basic authentication headers of the org's second till (``approver.<orgId>``)."""
        token = base64.b64encode(
            f"approver.{self.org_id}:{md5_hex(self.till_password)}".encode()
        ).decode()
        return {"Authorization": f"Basic {token}"}


def org_spec(org_id: int, **overrides: Any) -> dict[str, Any]:
    """Return an org file like the demo org's, with codes unique to ``org_id``."""
    spec: dict[str, Any] = {**DEMO_ORG, "orgId": org_id, "name": f"Test org {org_id}"}
    spec["stores"] = [
        {
            "code": f"store.{org_id}",
            "name": f"Store {org_id}",
            "externalId": f"EXT{org_id}",
            "tills": [
                {"code": f"till.{org_id}", "name": f"Till {org_id}", "password": "pw"},
                # A second till, to decide requests the first one made (9051).
                {"code": f"approver.{org_id}", "name": f"Approver {org_id}", "password": "pw"},
            ],
        }
    ]
    spec["apiClients"] = [{"key": f"key-{org_id}", "secret": "secret", "till": f"till.{org_id}"}]
    spec.update(overrides)
    return spec


def make_org(db: Database, **overrides: Any) -> OrgCredentials:
    """Create an org of its own for a test."""
    org_id = next(_org_ids)
    with unit_of_work(db.write_session) as session:
        apply_org_file(session, OrgFile.model_validate(org_spec(org_id, **overrides)))
    return OrgCredentials(org_id, f"till.{org_id}", "pw", f"key-{org_id}", "secret")


@pytest.fixture
def org(db: Database) -> OrgCredentials:
    """A fresh org for this test."""
    return make_org(db)


class Api:
    """The API client of one org's till."""

    def __init__(
        self, client: TestClient, org: OrgCredentials, auth: dict[str, str] | None = None
    ) -> None:
        self.client = client
        self.org = org
        self.auth = auth if auth is not None else org.basic

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {**self.auth, **kwargs.pop("headers", {})}
        return self.client.request(method, path, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Any:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self.request("DELETE", path, **kwargs)


@pytest.fixture
def api(app_client: TestClient, org: OrgCredentials) -> Api:
    """An authenticated API client for this test's org."""
    return Api(app_client, org)
