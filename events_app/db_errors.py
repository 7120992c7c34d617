"""Which database errors mean "unavailable": the one list.

An unavailable database is an outage or overload, not a bug: the request cannot be served now
and may succeed in a few seconds, so it answers 503 with Retry-After
(events_app/web/unavailable.py), and the page cache serves what it holds. Everything else
stays a 500, because it is a fault to fix. Each rule names the failure it recognises.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import psycopg
from sqlalchemy import exc as sa

from events_app.db import WriteGateBusy

# SQLSTATE classes and codes PostgreSQL uses for "not now" (not for "wrong").
_UNAVAILABLE_SQLSTATE_CLASSES = (
    "08",  # connection exception: lost, refused, cannot be established
    "53",  # insufficient resources: "too many clients already", out of memory or disk
    "57",  # operator intervention: statement_timeout, server shutting down or starting up
)
_UNAVAILABLE_SQLSTATES = ("55P03",)  # lock_not_available: a lock_timeout expired
_SQLITE_BUSY = ("database is locked", "database is busy")


def _original(error: BaseException) -> BaseException | None:
    return error.orig if isinstance(error, sa.DBAPIError) else None


def _pool_exhausted(error: BaseException) -> bool:
    """QueuePool gave no connection within EVENTS_DATABASE_POOL_TIMEOUT_SECONDS."""
    return isinstance(error, sa.TimeoutError)


def _writers_full(error: BaseException) -> bool:
    """Every writer's place stayed taken for EVENTS_DATABASE_LOCK_TIMEOUT_SECONDS."""
    return isinstance(error, WriteGateBusy)


def _connection_lost(error: BaseException) -> bool:
    """SQLAlchemy saw the connection break (and dropped it from the pool)."""
    return isinstance(error, sa.DBAPIError) and error.connection_invalidated


def _postgres_unreachable(error: BaseException) -> bool:
    """psycopg could not talk to the server: refused, connect timeout, server closed the
    connection. The client raises these itself, so they carry no SQLSTATE."""
    original = _original(error)
    return isinstance(original, psycopg.OperationalError) and original.sqlstate is None


def _postgres_not_now(error: BaseException) -> bool:
    """The server answered, with an error that says "not now" (see the SQLSTATEs above)."""
    original = _original(error)
    sqlstate = original.sqlstate if isinstance(original, psycopg.Error) else None
    if not sqlstate:
        return False
    return sqlstate.startswith(_UNAVAILABLE_SQLSTATE_CLASSES) or sqlstate in _UNAVAILABLE_SQLSTATES


def _sqlite_locked(error: BaseException) -> bool:
    """SQLite's write lock stayed taken (by an import, say) for the busy timeout."""
    original = _original(error)
    return isinstance(original, sqlite3.OperationalError) and str(original).startswith(_SQLITE_BUSY)


UNAVAILABLE_RULES: tuple[Callable[[BaseException], bool], ...] = (
    _pool_exhausted,
    _writers_full,
    _connection_lost,
    _postgres_unreachable,
    _postgres_not_now,
    _sqlite_locked,
)
# What a handler must catch for the rules to see it.
DATABASE_ERRORS: tuple[type[Exception], ...] = (sa.SQLAlchemyError, WriteGateBusy)


def is_unavailable(error: BaseException) -> bool:
    """True when `error` means the database cannot serve now (try again later)."""
    return any(rule(error) for rule in UNAVAILABLE_RULES)


def unavailable_reason(error: BaseException) -> str:
    """The rule that matched, for the log line ("pool_exhausted", "sqlite_locked", ...)."""
    for rule in UNAVAILABLE_RULES:
        if rule(error):
            return rule.__name__.lstrip("_")
    return "other"
