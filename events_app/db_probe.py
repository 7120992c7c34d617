"""Short reads that must answer within a deadline whatever the database does: /healthz and
the page cache's content-version check.

They use a pool of their own (one connection, a little overflow, no pre-ping, which could hang
on a silent server), so they never wait behind the requests holding the main pool. A
connect is bounded by libpq's connect_timeout; a statement on a server that has gone silent
(accepts bytes, never answers) is bounded by a watchdog that shuts the socket down at the
deadline (db_watchdog.py), which makes psycopg fail at once and the pool drop the connection.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import Connection, make_url

from events_app.db import create_db_engine
from events_app.db_watchdog import WATCHDOG

if TYPE_CHECKING:
    from events_app.db import EngineOptions

T = TypeVar("T")
PROBE_CONNECT_TIMEOUT = 2  # libpq's minimum
PROBE_STATEMENT_TIMEOUT = 1.0


def create_probe_engine(url: str, options: EngineOptions) -> Engine:
    if make_url(url).get_backend_name() == "sqlite":
        small = replace(options, lock_timeout=1.0, pool_size=1, max_overflow=2)
        return create_db_engine(url, options=small)
    quick = replace(
        options, connect_timeout=PROBE_CONNECT_TIMEOUT, statement_timeout=PROBE_STATEMENT_TIMEOUT
    )
    return create_engine(
        url,
        pool_size=1,
        max_overflow=2,
        pool_timeout=0.5,
        pool_pre_ping=False,
        connect_args=quick.postgres_connect_args(),
    )


@contextlib.contextmanager
def deadline(connection: Connection, seconds: float) -> Iterator[None]:
    """Within the block, a statement that has not answered after `seconds` fails."""
    dbapi = connection.connection.dbapi_connection
    fileno = getattr(dbapi, "fileno", None)  # psycopg has one; SQLite has no socket
    if fileno is None:
        yield
        return
    ticket = WATCHDOG.arm(fileno(), seconds)
    try:
        yield
    finally:
        WATCHDOG.disarm(ticket)


def run_probe(engine: Engine, read: Callable[[Connection], T], seconds: float) -> T:
    with engine.connect() as connection, deadline(connection, seconds):
        return read(connection)
