"""Engine and sessions.

SQLite gets WAL, foreign keys and a busy timeout on every connection, and we take over its
transaction handling: pysqlite's own implicit BEGIN is switched off so that a write transaction
can start with BEGIN IMMEDIATE (take the write lock before reading), which is what keeps a
read-then-write transaction from failing with "database is locked" under concurrent writers.

PostgreSQL connections get a connect timeout, a statement timeout and TCP keepalives, and the
pool has a size, an overflow and a timeout (EngineOptions, from the settings), so that an
outage answers quickly (503, events_app/web/unavailable.py) instead of holding every thread.
Writers pass a gate with a few places: however many requests want to write (while an import
holds SQLite's lock, say), they cannot take every pooled connection, and reads never queue
behind them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Connection, make_url
from sqlmodel import Session

from events_app.row_locks import DATABASE_ROW_LOCKS, ROW_LOCKS, RowLocks

if TYPE_CHECKING:
    from events_app.config import Settings

T = TypeVar("T")
SQLITE_BUSY_TIMEOUT_MS = 30_000
# A few writers may wait for SQLite's single write lock; more would only hold connections.
SQLITE_WRITE_SLOTS = 2


class WriteGateBusy(Exception):
    """No place for one more writer within the lock timeout: the database is busy (a long
    import holds the lock, say). events_app/db_errors.py counts it as "unavailable"."""


@dataclass(frozen=True)
class EngineOptions:
    """How a process uses the database. The defaults are for command-line tools (imports,
    migrations): no statement timeout and SQLite's long busy timeout, as they may wait and
    pages may not; `serve` and `worker` take theirs from the settings."""

    pool_size: int = 5
    max_overflow: int = 10
    pool_timeout: float = 5.0
    connect_timeout: int = 5
    statement_timeout: float | None = None
    keepalive: int = 30
    lock_timeout: float = SQLITE_BUSY_TIMEOUT_MS / 1000

    @classmethod
    def from_settings(cls, settings: Settings) -> EngineOptions:
        return cls(
            pool_size=settings.database_pool_size,
            max_overflow=settings.database_max_overflow,
            pool_timeout=settings.database_pool_timeout_seconds,
            connect_timeout=settings.database_connect_timeout_seconds,
            statement_timeout=settings.database_statement_timeout_seconds,
            keepalive=settings.database_keepalive_seconds,
            lock_timeout=settings.database_lock_timeout_seconds,
        )

    def postgres_connect_args(self) -> dict[str, Any]:
        """libpq parameters for every connection: a silent server fails the connect, a
        runaway statement is cancelled by the server, and a dead peer is noticed by TCP."""
        args: dict[str, Any] = {
            "connect_timeout": max(2, self.connect_timeout),  # libpq's minimum is 2
            "keepalives": 1,
            "keepalives_idle": self.keepalive,
            "keepalives_interval": max(1, self.keepalive // 3),
            "keepalives_count": 3,
        }
        if self.statement_timeout is not None:
            milliseconds = max(1, round(self.statement_timeout * 1000))
            args["options"] = f"-c statement_timeout={milliseconds}"
        return args

    @property
    def write_slots(self) -> int:
        """PostgreSQL: writers may take two thirds of the connections, the rest is for reads."""
        return max(1, (self.pool_size + self.max_overflow) * 2 // 3)


def create_db_engine(
    url: str,
    *,
    pool_size: int = 5,
    foreign_keys: bool = True,
    options: EngineOptions | None = None,
) -> Engine:
    """`foreign_keys=False` only for migrations on SQLite: rebuilding a table there (how batch
    mode drops a column) drops the old one, which with foreign keys on would cascade and
    delete every row that refers to it."""
    options = options or EngineOptions(pool_size=pool_size)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _create_sqlite_engine(url, foreign_keys=foreign_keys, options=options)
    connect_args = options.postgres_connect_args()
    if "options" in connect_args and parsed.query.get("options"):  # keep the URL's own
        connect_args["options"] = f"{parsed.query['options']} {connect_args['options']}"
    engine = create_engine(
        url,
        pool_pre_ping=True,
        pool_size=options.pool_size,
        max_overflow=options.max_overflow,
        pool_timeout=options.pool_timeout,
        connect_args=connect_args,
    )
    if options.statement_timeout is not None:
        from events_app.db_watchdog import GRACE_SECONDS, watch_statements

        watch_statements(
            engine,
            options.statement_timeout + GRACE_SECONDS,
            ping_seconds=min(options.statement_timeout, options.connect_timeout) + GRACE_SECONDS,
        )
    return engine


def _create_sqlite_engine(
    url: str, *, foreign_keys: bool = True, options: EngineOptions | None = None
) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    options = options or EngineOptions()
    busy_timeout_ms = round(options.lock_timeout * 1000)
    pool: dict[str, Any] = {}
    if database and database != ":memory:":
        pool = {
            "pool_size": options.pool_size,
            "max_overflow": options.max_overflow,
            "pool_timeout": options.pool_timeout,
        }
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": options.lock_timeout},
        **pool,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        execution_options = connection.get_execution_options()
        mode = execution_options.get("sqlite_begin", "DEFERRED")
        if mode:
            # What is left of the writer's lock timeout after waiting at the gate (db.write).
            busy_ms = execution_options.get("sqlite_busy_ms", busy_timeout_ms)
            connection.exec_driver_sql(f"PRAGMA busy_timeout={busy_ms}")
            connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


class Database:
    """Hands out sessions. `read()` for pages, `write()` for one transaction that changes data,
    which takes its locks as `row_locks` says (events_app/row_locks.py)."""

    def __init__(
        self,
        engine: Engine,
        *,
        options: EngineOptions | None = None,
        url: str | None = None,
        row_locks: RowLocks = DATABASE_ROW_LOCKS,
    ) -> None:
        self.engine = engine
        self.row_locks = row_locks
        self.options = options or EngineOptions()
        self._url = url or engine.url.render_as_string(hide_password=False)
        self.is_sqlite = engine.dialect.name == "sqlite"
        slots = SQLITE_WRITE_SLOTS if self.is_sqlite else self.options.write_slots
        self._write_gate = threading.BoundedSemaphore(slots)
        self._probe_engine: Engine | None = None
        self._write_engine = (
            engine.execution_options(sqlite_begin=row_locks.sqlite_begin)
            if self.is_sqlite
            else engine
        )
        # Pages only read, and each SELECT is consistent on its own in SQLite's autocommit
        # mode: an explicit BEGIN would cost a round trip on every page view for nothing.
        self._read_engine = engine.execution_options(sqlite_begin="") if self.is_sqlite else engine

    @classmethod
    def from_url(cls, url: str, options: EngineOptions | None = None) -> Database:
        return cls(create_db_engine(url, options=options), options=options, url=url)

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        return cls.from_url(settings.database_url, EngineOptions.from_settings(settings))

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; nothing it writes is committed."""
        with Session(self._read_engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self, *, since: float | None = None) -> Iterator[Session]:
        """One write transaction: commits when the block ends, rolls back on any exception.
        Raises WriteGateBusy when other writers keep every writer's place for the lock
        timeout, counted from `since` (a time.monotonic() moment, such as when the request
        arrived, before it waited for a thread) or from now."""
        # On PostgreSQL the gate only keeps connections free for reads, so waiting at it is
        # waiting for a connection: the pool timeout applies. A burst of registrations for one
        # event queues there behind a row lock held for milliseconds, which is no outage.
        # SQLite's one write lock can be held for seconds (an import): the lock timeout.
        lock_timeout = self.options.lock_timeout if self.is_sqlite else self.options.pool_timeout
        started = time.monotonic() if since is None else since
        if not self._write_gate.acquire(
            timeout=max(0.0, started + lock_timeout - time.monotonic())
        ):
            raise WriteGateBusy(f"no writer's place within {lock_timeout:g} s")
        try:
            engine = self._write_engine
            if self.is_sqlite:  # the gate and the lock together wait at most the lock timeout
                left = started + lock_timeout - time.monotonic()
                engine = engine.execution_options(sqlite_busy_ms=max(1, round(left * 1000)))
            with Session(engine, expire_on_commit=False) as session, session.begin():
                session.info[ROW_LOCKS] = self.row_locks
                yield session
        finally:
            self._write_gate.release()

    def ping(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def probe(self, read: Callable[[Connection], T], *, seconds: float = 0.9) -> T:
        """Run a short read on a pool of its own that fails after `seconds` whatever the
        server does (db_probe.py): for /healthz and the page cache's version check."""
        from events_app.db_probe import create_probe_engine, run_probe

        if self._probe_engine is None:
            self._probe_engine = create_probe_engine(self._url, self.options)
        return run_probe(self._probe_engine, read, seconds)

    def health_ping(self) -> None:
        self.probe(lambda connection: connection.execute(text("SELECT 1")))

    def dispose(self) -> None:
        self.engine.dispose()
        if self._probe_engine is not None:
            self._probe_engine.dispose()
