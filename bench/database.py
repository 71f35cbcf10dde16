"""The benchmark's own PostgreSQL database: created, migrated by patron, sampled and dropped."""

from __future__ import annotations

import os
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from bench.server import BIN, shown
from bench.system import BenchError

DEMO_ORG_ID = 100


@dataclass(frozen=True)
class BenchDatabase:
    """Where the benchmark database lives: a server URL and a database name."""

    host: str
    port: int
    user: str
    name: str

    @classmethod
    def parse(cls, server_url: str, name: str) -> BenchDatabase:
        """Read ``postgresql://user@host:port`` (no password: trust or ~/.pgpass)."""
        parts = urlsplit(server_url)
        return cls(parts.hostname or "127.0.0.1", parts.port or 5432, parts.username or "", name)

    @property
    def sqlalchemy_url(self) -> str:
        """Return the URL patron is configured with."""
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{self.name}"

    @property
    def dsn(self) -> dict[str, str]:
        """Return the connection parameters of pgbench and psycopg."""
        return {"host": self.host, "port": str(self.port), "user": self.user, "dbname": self.name}

    def conninfo(self, dbname: str | None = None) -> str:
        """Return a libpq connection string to this database (or to ``dbname``)."""
        return make_conninfo(**{**self.dsn, "dbname": dbname or self.name}, connect_timeout=5)

    def _admin(self) -> psycopg.Connection[tuple[object, ...]]:
        try:
            return psycopg.connect(self.conninfo("postgres"), autocommit=True)
        except psycopg.OperationalError as exc:
            raise BenchError(
                f"PostgreSQL is not reachable at {self.host}:{self.port}: {exc}"
            ) from exc

    def recreate(self) -> None:
        """Drop the database if it exists and create it empty."""
        self.drop()
        with self._admin() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))

    def drop(self) -> None:
        """Drop the database if it exists, closing its connections."""
        with self._admin() as conn:
            statement = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            conn.execute(statement.format(sql.Identifier(self.name)))

    def server_version(self) -> str:
        """Return the PostgreSQL server's version."""
        with self._admin() as conn:
            row = conn.execute("SHOW server_version").fetchone()
        return str(row[0]) if row else "unknown"

    def sessions_opened(self) -> int:
        """Return how many connections the database has accepted since statistics were reset."""
        with self._admin() as conn:
            row = conn.execute(
                "SELECT sessions FROM pg_stat_database WHERE datname = %s", (self.name,)
            ).fetchone()
        value = row[0] if row else None
        return value if isinstance(value, int) else 0

    def row_counts(self) -> dict[str, int]:
        """Return the number of rows of every table of the database."""
        with psycopg.connect(self.conninfo()) as conn:
            tables = [
                str(row[0])
                for row in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                ).fetchall()
            ]
            counts: dict[str, int] = {}
            for table in tables:
                query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
                row = conn.execute(query).fetchone()
                counts[table] = int(str(row[0])) if row else 0
        return counts

    def migrate(self) -> str:
        """Migrate the database with ``patron db upgrade``; return the command."""
        command = [str(BIN / "patron"), "db", "upgrade"]
        done = subprocess.run(
            command,
            env={**os.environ, **self.patron_env()},
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        if done.returncode != 0:
            raise BenchError(f"patron db upgrade failed:\n{done.stdout}\n{done.stderr}")
        return f"PATRON_DATABASE_URL={self.sqlalchemy_url} {shown(shlex.join(command))}"

    def patron_env(self, data_dir: Path | None = None) -> dict[str, str]:
        """Return the variables that point patron at this database."""
        env = {"PATRON_DATABASE_URL": self.sqlalchemy_url}
        if data_dir is not None:
            env["PATRON_DATA_DIR"] = str(data_dir)
        return env

    def write_samples(self, ids_path: Path, mobiles_path: Path, limit: int = 20_000) -> int:
        """Write the ids and INSTORE mobiles of registered customers, one a line; return how many."""
        with psycopg.connect(self.conninfo()) as conn:
            rows = conn.execute(
                "SELECT customer_id, value FROM identifiers"
                " WHERE org_id = %s AND source = 'INSTORE' AND account_id = '' AND type = 'mobile'"
                " ORDER BY customer_id LIMIT %s",
                (DEMO_ORG_ID, limit),
            ).fetchall()
        if not rows:
            raise BenchError("no registered customer to fetch or look up")
        ids_path.write_text("".join(f"{r[0]}\n" for r in rows))
        mobiles_path.write_text("".join(f"{r[1]}\n" for r in rows))
        return len(rows)
