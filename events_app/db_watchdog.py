"""A client-side deadline for every PostgreSQL statement.

`statement_timeout` is enforced by the server: a server that accepts bytes and never answers
(a frozen process, a half-open proxy or network path) never cancels anything, and psycopg has
no read timeout of its own, so the request, its thread and its connection would wait for
ever. The watchdog gives each statement (and each pool pre-ping) a deadline a little after
the server's own timeout; at the deadline it shuts the connection's socket down, psycopg fails
at once, SQLAlchemy drops the connection from the pool, and the request answers 503
(db_errors.py: connection_lost). One thread watches every deadline of the process.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import os
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, event

# After the server's statement_timeout, how long it may take to say so before we give up.
GRACE_SECONDS = 2.0


def shut_down(fd: int) -> None:
    """Shut a socket down (both ways) through a duplicate of the driver's descriptor, which
    stays the driver's to close: its next read fails at once instead of waiting for ever."""
    with contextlib.suppress(OSError), socket.socket(fileno=os.dup(fd)) as sock:
        sock.shutdown(socket.SHUT_RDWR)


class Watchdog:
    def __init__(self) -> None:
        self._deadlines: list[tuple[float, int, int]] = []  # (when, ticket, fd)
        self._cancelled: set[int] = set()
        self._tickets = itertools.count()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def arm(self, fd: int, seconds: float) -> int:
        """Shut `fd` down in `seconds` unless disarmed before."""
        with self._wake:
            ticket = next(self._tickets)
            heapq.heappush(self._deadlines, (time.monotonic() + seconds, ticket, fd))
            # Started on first use, and again in a process forked from one that used it.
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="db-watchdog", daemon=True)
                self._thread.start()
            if self._deadlines[0][1] == ticket:  # only an earlier deadline changes its sleep
                self._wake.notify()
            return ticket

    def disarm(self, ticket: int) -> None:
        with self._wake:
            self._cancelled.add(ticket)

    def _run(self) -> None:
        with self._wake:
            while True:
                while self._deadlines and self._deadlines[0][1] in self._cancelled:
                    self._cancelled.discard(heapq.heappop(self._deadlines)[1])
                if not self._deadlines:
                    self._wake.wait()
                    continue
                when, _ticket, fd = self._deadlines[0]
                if when > time.monotonic():
                    self._wake.wait(when - time.monotonic())
                    continue
                heapq.heappop(self._deadlines)
                shut_down(fd)


WATCHDOG = Watchdog()


def _fileno(dbapi_connection: Any) -> int | None:
    fileno = getattr(dbapi_connection, "fileno", None)
    try:
        return int(fileno()) if fileno is not None else None
    except Exception:  # a closed connection has no socket
        return None


def watch_statements(engine: Engine, seconds: float, *, ping_seconds: float) -> None:
    """Give every statement on `engine` a deadline of `seconds`, and every pre-ping (a
    SELECT 1 that answers in milliseconds when the server is well) one of `ping_seconds`."""

    @event.listens_for(engine, "before_cursor_execute")
    def _arm(conn: Any, _cursor: Any, *_args: Any) -> None:
        fd = _fileno(conn.connection.dbapi_connection)
        if fd is not None:
            conn.info.setdefault("watchdog", []).append(WATCHDOG.arm(fd, seconds))

    def _disarm(conn: Any, *_args: Any) -> None:
        for ticket in conn.info.pop("watchdog", ()):
            WATCHDOG.disarm(ticket)

    event.listen(engine, "after_cursor_execute", _disarm)

    @event.listens_for(engine, "handle_error")
    def _failed(context: Any) -> None:
        if context.connection is not None:
            _disarm(context.connection)

    # The pool's pre-ping runs on the driver's connection, outside the events above.
    ping: Callable[[Any], bool] = engine.dialect.do_ping

    def watched_ping(dbapi_connection: Any) -> bool:
        fd = _fileno(dbapi_connection)
        ticket = WATCHDOG.arm(fd, ping_seconds) if fd is not None else None
        try:
            return ping(dbapi_connection)
        finally:
            if ticket is not None:
                WATCHDOG.disarm(ticket)

    engine.dialect.do_ping = watched_ping  # type: ignore[method-assign]
