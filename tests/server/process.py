"""Real ``patron serve`` processes for black-box tests: started, reached over sockets, killed."""

from __future__ import annotations

import base64
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg

from patron.kit.secrets import md5_hex
from patron.orgs.demo import DEMO_CLIENT_KEY, DEMO_CLIENT_SECRET, DEMO_TILL_CODE, DEMO_TILL_PASSWORD
from tests.conftest import PG_ADMIN_URL, drop_postgres

PATRON = Path(sys.executable).parent / "patron"
DEMO_BASIC = (
    "Basic " + base64.b64encode(f"{DEMO_TILL_CODE}:{md5_hex(DEMO_TILL_PASSWORD)}".encode()).decode()
)
DEMO_CLIENT = {"key": DEMO_CLIENT_KEY, "secret": DEMO_CLIENT_SECRET}
_databases = iter(range(1_000_000))


def free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fresh_postgres_url() -> str:
    """Create an empty PostgreSQL database of its own and return its SQLAlchemy URL."""
    name = f"patron_server_{os.getpid()}_{next(_databases)}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


@dataclass
class Server:
    """One ``patron serve`` process group on a free port, with its own data directory."""

    data_dir: Path
    database_url: str | None = None
    workers: int = 1
    env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        """The server's base URL."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return "postgresql" if self.database_url else "sqlite"

    @property
    def sqlite_path(self) -> Path:
        """The SQLite database file (SQLite servers only)."""
        return self.data_dir / "patron.db"

    @property
    def libpq_url(self) -> str:
        """The PostgreSQL database as a libpq URL (PostgreSQL servers only)."""
        assert self.database_url is not None
        return self.database_url.replace("postgresql+psycopg://", "postgresql://")

    def start(self, timeout: float = 60.0) -> Server:
        """Start the server and wait until ``/health`` answers."""
        env = {
            **os.environ,
            "PATRON_DATA_DIR": str(self.data_dir),
            "PATRON_LOG_JSON": "true",
            "PATRON_LOG_LEVEL": "WARNING",
            **self.env,
        }
        env.pop("PATRON_DATABASE_URL", None)
        if self.database_url:
            env["PATRON_DATABASE_URL"] = self.database_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = (self.data_dir / "server.log").open("ab")
        command = [str(PATRON), "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        if self.workers > 1:
            command += ["--workers", str(self.workers)]
        self.process = subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"patron serve exited: {self.log_tail()}")
            try:
                if httpx.get(f"{self.base_url}/health", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"patron serve did not answer within {timeout}s: {self.log_tail()}")

    def stop(self) -> None:
        """Stop the server gracefully (SIGTERM to the whole process group)."""
        self._signal(signal.SIGTERM)
        if self.process is not None:
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self) -> None:
        """Kill every process of the server at once (SIGKILL), as a crash would."""
        self._signal(signal.SIGKILL)
        if self.process is not None:
            self.process.wait(timeout=30)

    def _signal(self, signum: int) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):  # it died on its own meanwhile
                os.killpg(self.process.pid, signum)

    def drop_database(self) -> None:
        """Drop the server's PostgreSQL database (a stopped server's only)."""
        if self.database_url:
            drop_postgres(self.database_url)

    def log_tail(self, lines: int = 20) -> str:
        """The last lines the server printed."""
        path = self.data_dir / "server.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def client(self, **kwargs: Any) -> httpx.Client:
        """A keep-alive client of the demo till (one connection at a time)."""
        headers = {"Authorization": DEMO_BASIC, **kwargs.pop("headers", {})}
        kwargs.setdefault("timeout", 30)
        return httpx.Client(base_url=self.base_url, headers=headers, **kwargs)
