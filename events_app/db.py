"""Engine and sessions.

SQLite gets WAL, foreign keys and a busy timeout on every connection, and we take over its
transaction handling: pysqlite's own implicit BEGIN is switched off so that a write transaction
can start with BEGIN IMMEDIATE (take the write lock before reading), which is what keeps a
read-then-write transaction from failing with "database is locked" under concurrent writers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Connection, make_url
from sqlmodel import Session

SQLITE_BUSY_TIMEOUT_MS = 30_000


def create_db_engine(url: str, *, pool_size: int = 5, foreign_keys: bool = True) -> Engine:
    """`foreign_keys=False` only for migrations on SQLite: rebuilding a table there (how batch
    mode drops a column) drops the old one, which with foreign keys on would cascade and
    delete every row that refers to it."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _create_sqlite_engine(url, foreign_keys=foreign_keys)
    return create_engine(url, pool_pre_ping=True, pool_size=pool_size, max_overflow=10)


def _create_sqlite_engine(url: str, *, foreign_keys: bool = True) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        if mode:
            connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


class Database:
    """Hands out sessions. `read()` for pages, `write()` for one transaction that changes data."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        self._write_engine = (
            engine.execution_options(sqlite_begin="IMMEDIATE") if self.is_sqlite else engine
        )
        # Pages only read, and each SELECT is consistent on its own in SQLite's autocommit
        # mode: an explicit BEGIN would cost a round trip on every page view for nothing.
        self._read_engine = engine.execution_options(sqlite_begin="") if self.is_sqlite else engine

    @classmethod
    def from_url(cls, url: str) -> Database:
        return cls(create_db_engine(url))

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; nothing it writes is committed."""
        with Session(self._read_engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: commits when the block ends, rolls back on any exception."""
        with Session(self._write_engine, expire_on_commit=False) as session, session.begin():
            yield session

    def ping(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()
