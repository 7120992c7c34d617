"""How a write transaction keeps the rows it read from changing under it until it commits.

A read-then-write transaction (count the seats, then take one; find the due reminders, then
send them) is only right if nobody else changes what it read before it commits. The
`Database` holds a `RowLocks` strategy and hands it to every write session; services ask
for their locks through `locked()`, never by dialect themselves.

`DatabaseRowLocks`, the only strategy the app has: on SQLite a write transaction begins with
BEGIN IMMEDIATE, which takes the database's single write lock before the first read, so
there is nothing to add to a query; on PostgreSQL the rows read are locked with
SELECT ... FOR UPDATE (SKIP LOCKED where workers share out rows). The concurrency tests give
the database another strategy, from tests/support/row_locks.py, to show the races these
locks prevent.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from sqlalchemy.sql.selectable import GenerativeSelect
from sqlmodel import Session

Query = TypeVar("Query", bound=GenerativeSelect)
ROW_LOCKS = "events_app.row_locks"  # where a write session carries its strategy (session.info)


class RowLocks(Protocol):
    sqlite_begin: str  # how a SQLite write transaction begins: "IMMEDIATE" or "DEFERRED"

    def for_update(
        self, query: Query, *, dialect: str, of: Any = None, skip_locked: bool = False
    ) -> Query:
        """`query`, made to lock the rows it reads (of the tables in `of`, if given) until the
        transaction ends; with `skip_locked`, rows another transaction holds are left out."""
        ...


class DatabaseRowLocks:
    sqlite_begin = "IMMEDIATE"

    def for_update(
        self, query: Query, *, dialect: str, of: Any = None, skip_locked: bool = False
    ) -> Query:
        if dialect != "postgresql":  # SQLite: BEGIN IMMEDIATE already holds the write lock
            return query
        return query.with_for_update(of=of, skip_locked=skip_locked)


DATABASE_ROW_LOCKS = DatabaseRowLocks()


def locked(session: Session, query: Query, *, of: Any = None, skip_locked: bool = False) -> Query:
    """`query` with the row locks of the session's write transaction (`Database.write()`).
    A session made some other way (a script's, a test's) gets the app's own locks."""
    strategy: RowLocks = session.info.get(ROW_LOCKS, DATABASE_ROW_LOCKS)
    dialect = session.get_bind().dialect.name
    return strategy.for_update(query, dialect=dialect, of=of, skip_locked=skip_locked)


def locked_from_the_start(session: Session) -> bool:
    """Whether the write transaction held its lock before its first read (SQLite's BEGIN
    IMMEDIATE): then nothing it read before taking a row lock can have changed meanwhile, and
    nothing needs reading again."""
    strategy: RowLocks = session.info.get(ROW_LOCKS, DATABASE_ROW_LOCKS)
    return session.get_bind().dialect.name == "sqlite" and strategy.sqlite_begin == "IMMEDIATE"
