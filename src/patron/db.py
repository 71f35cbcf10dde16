"""Database plumbing: the declarative base, portable column types, engines and units of work."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import structlog
from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    inspect,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import NullPool
from sqlalchemy.types import TypeDecorator

from patron.config import Settings
from patron.errors import Invalid

log = structlog.get_logger("patron.db")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every table; constraint names come from the naming convention.

    Every table with a surrogate integer key is ``AUTOINCREMENT`` on SQLite, whose plain
    rowid keys hand a deleted row's id (the largest) to the next row; PostgreSQL sequences
    never reuse one.
    """

    metadata = MetaData(naming_convention=NAMING_CONVENTION)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        table = cls.__dict__.get("__table__")
        if isinstance(table, Table) and table.autoincrement_column is not None:
            table.dialect_options["sqlite"]["autoincrement"] = True


# A 64-bit key on PostgreSQL that is still SQLite's rowid alias.
BigId = BigInteger().with_variant(Integer(), "sqlite")
# JSON documents: JSONB on PostgreSQL, JSON text elsewhere.
JsonDoc = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC timestamp on every backend (SQLite keeps naive text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Milli(TypeDecorator[Decimal]):
    """An exact decimal with three places (points, amounts), stored as an integer of thousandths.

    Both backends hold it exactly and compare it in SQL, so ``CHECK`` constraints and sums are
    exact; values with more places are refused rather than rounded silently.
    """

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | int | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        scaled = Decimal(value) * 1000
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than three decimal places")
        return int(scaled)

    def process_result_value(self, value: int | None, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return Decimal(value) / 1000


INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1


def _check_column_values(session: Session, _context: Any, _instances: Any) -> None:
    """Refuse values a column cannot hold before any SQL runs, the same way on every backend.

    PostgreSQL refuses an over-long string or an out-of-range integer; SQLite stores either
    silently. Checking here makes both answer with the same 400.
    """
    for obj in (*session.new, *session.dirty):
        for attr in inspect(obj).mapper.column_attrs:
            value = getattr(obj, attr.key, None)
            if value is None:
                continue
            kind = attr.columns[0].type
            if isinstance(value, str) and isinstance(kind, String) and kind.length:
                if len(value) > kind.length:
                    raise Invalid(
                        400,
                        f"Input is invalid: {attr.key} is longer than {kind.length} characters",
                    )
            elif isinstance(value, int) and not isinstance(value, bool):
                limit = INT64_MAX if isinstance(kind, BigInteger) else INT32_MAX
                if isinstance(kind, Integer) and not -limit - 1 <= value <= limit:
                    raise Invalid(400, f"Input is invalid: {attr.key} is out of range")


event.listen(Session, "before_flush", _check_column_values)


def _configure_sqlite(engine: Engine, *, immediate: bool) -> None:
    """Make pysqlite honour BEGIN/SAVEPOINT and serialise writers up front (no lock upgrades)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str, *, pool_size: int = 10, immediate: bool = True) -> Engine:
    """Create an engine for ``url`` with the settings patron relies on."""
    if url.startswith("sqlite"):
        engine = create_engine(url, poolclass=NullPool if ":memory:" not in url else None)
        _configure_sqlite(engine, immediate=immediate)
        return engine
    # No pre-ping (it costs a round trip per checkout): a connection the server dropped fails its
    # request with 503 and is discarded; recycling keeps idle connections from going stale.
    return create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_recycle=1800)


@dataclass(frozen=True)
class Database:
    """The engines of one process: writers and readers (the same engine except on SQLite)."""

    url: str
    writer: Engine
    reader: Engine
    write_session: sessionmaker[Session]
    read_session: sessionmaker[Session]

    @property
    def dialect(self) -> str:
        """Name the SQL dialect (``sqlite`` or ``postgresql``)."""
        return self.writer.dialect.name

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.writer.dispose()
        if self.reader.pool is not self.writer.pool:
            self.reader.dispose()


def open_database(settings: Settings) -> Database:
    """Open the configured database."""
    url = settings.resolved_database_url
    if url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        writer = make_engine(url, immediate=True)
        reader = make_engine(url, immediate=False)
    else:
        writer = make_engine(url, pool_size=settings.db_pool_size)
        # Reads run without BEGIN/COMMIT: under READ COMMITTED every statement takes its own
        # snapshot anyway, so a read transaction adds two round trips and no consistency.
        reader = writer.execution_options(isolation_level="AUTOCOMMIT")
    return Database(
        url=url,
        writer=writer,
        reader=reader,
        write_session=sessionmaker(writer, expire_on_commit=False),
        read_session=sessionmaker(reader, expire_on_commit=False),
    )


AFTER_COMMIT = "patron.after_commit"


def after_commit(session: Session, job: Callable[[], None]) -> None:
    """Run ``job`` once the session's unit of work has committed; never when it rolls back."""
    session.info.setdefault(AFTER_COMMIT, []).append(job)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Run one unit of work: commit when the block succeeds, roll back when it raises.

    Jobs registered with :func:`after_commit` run after a successful commit, in order.
    """
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.info.pop(AFTER_COMMIT, None)
        try:
            session.rollback()
        except Exception:  # the connection is gone; the original error is the one to report
            log.warning("rollback_failed", exc_info=True)
        raise
    finally:
        session.close()
    for job in session.info.pop(AFTER_COMMIT, ()):
        try:
            job()
        except Exception:  # what follows a commit must not turn a stored change into a failure
            log.exception("after_commit_job_failed")
