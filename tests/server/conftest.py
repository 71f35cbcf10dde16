"""Fixtures of the black-box tests: a real ``patron serve`` per backend, reached over sockets.

SQLite runs one worker; PostgreSQL runs two, so a read on a new connection may well be
served by another process than the write before it. The periodic PII sweep is pushed out of
reach (an hour) so a deletion seen within seconds can only come from the request itself.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.server.process import Server, fresh_postgres_url

SERVER_ENV = {
    "PATRON_PII_SWEEP_SECONDS": "3600",
    "PATRON_MAX_BODY_BYTES": "65536",
    # Webhooks of these tests point at local receivers.
    "PATRON_WEBHOOK_ALLOW_PRIVATE_ADDRESSES": "true",
}


def start_server(backend: str, tmp_path_factory: pytest.TempPathFactory, **env: str) -> Server:
    """Start a server of ``backend`` on an empty database of its own."""
    url = fresh_postgres_url() if backend == "postgresql" else None
    return Server(
        data_dir=tmp_path_factory.mktemp(f"server-{backend}"),
        database_url=url,
        workers=2 if url else 1,
        env={**SERVER_ENV, **env},
    ).start()


@pytest.fixture(scope="session")
def server(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A running server of the current backend, shared by the session."""
    running = start_server(backend, tmp_path_factory)
    yield running
    running.stop()
    running.drop_database()
