"""An unreachable or exhausted database answers 503 with Retry-After, never 500: a page for
pages, the API's `unavailable` problem under /api."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.testclient import TestClient

from events_app.clock import FrozenClock
from events_app.db import Database, WriteGateBusy
from events_app.db_errors import is_unavailable
from tests.factories import make_event
from tests.faults.proxy import FaultProxy, Mode
from tests.web.conftest import ProxiedApp

POSTGRES = pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
REGISTRATION = {"name": "Ada Lovelace", "email": "ada@example.org", "consent": True}


def _assert_unavailable_page(response: object) -> None:
    assert response.status_code == 503  # type: ignore[attr-defined]
    assert int(response.headers["retry-after"]) > 0  # type: ignore[attr-defined]
    assert response.headers["content-type"].startswith("text/html")  # type: ignore[attr-defined]


def _assert_unavailable_problem(response: object) -> None:
    assert response.status_code == 503  # type: ignore[attr-defined]
    assert int(response.headers["retry-after"]) > 0  # type: ignore[attr-defined]
    assert response.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]
    assert response.json()["type"].endswith("/api/docs#problem-unavailable")  # type: ignore[attr-defined]


@POSTGRES
def test_a_refused_connection_answers_503_for_pages_and_the_api(
    proxied_app: ProxiedApp, pg_proxy: FaultProxy, db: Database, clock: FrozenClock
) -> None:
    event = make_event(db, clock.now())
    app = proxied_app(page_cache=False)
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get(f"/events/{event.slug}").status_code == 200
        pg_proxy.set_mode(Mode.REFUSE)
        _assert_unavailable_page(client.get(f"/events/{event.slug}"))
        _assert_unavailable_problem(client.get("/api/v1/events"))
        _assert_unavailable_problem(
            client.post(f"/api/v1/events/{event.slug}/registrations", json=REGISTRATION)
        )
        pg_proxy.set_mode(Mode.PASS)
        assert client.get(f"/events/{event.slug}").status_code == 200


@POSTGRES
def test_an_exhausted_pool_answers_503_after_the_pool_timeout(
    proxied_app: ProxiedApp, db: Database, clock: FrozenClock
) -> None:
    event = make_event(db, clock.now())
    app = proxied_app(
        page_cache=False,
        database_pool_size=1,
        database_max_overflow=0,
        database_pool_timeout_seconds=0.2,
    )
    with TestClient(app, raise_server_exceptions=False) as client:
        busy = app.state.context.db.engine.connect()  # the pool's only connection
        try:
            _assert_unavailable_page(client.get(f"/events/{event.slug}"))
            _assert_unavailable_problem(client.get(f"/api/v1/events/{event.slug}"))
        finally:
            busy.close()
        assert client.get(f"/events/{event.slug}").status_code == 200


def test_the_rules_say_which_errors_are_an_outage() -> None:
    locked = OperationalError("BEGIN IMMEDIATE", {}, sqlite3.OperationalError("database is locked"))
    broken = OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: event"))
    assert is_unavailable(locked)
    assert is_unavailable(PoolTimeout("QueuePool limit reached"))
    assert is_unavailable(WriteGateBusy("busy"))
    assert not is_unavailable(broken)
    assert not is_unavailable(ValueError("database is locked"))


@pytest.mark.parametrize(
    ("error", "unavailable"),
    [
        (psycopg.errors.TooManyConnections("sorry, too many clients already"), True),
        (psycopg.errors.QueryCanceled("canceling statement due to statement timeout"), True),
        (psycopg.errors.AdminShutdown("terminating connection"), True),
        (psycopg.errors.LockNotAvailable("could not obtain lock"), True),
        (psycopg.OperationalError("connection failed: Connection refused"), True),
        (psycopg.errors.UniqueViolation("duplicate key"), False),
        (psycopg.errors.UndefinedTable("relation does not exist"), False),
        (psycopg.errors.DeadlockDetected("deadlock detected"), False),  # a bug to fix
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else str(value),
)
def test_postgres_errors_are_an_outage_by_their_sqlstate(
    error: psycopg.Error, unavailable: bool
) -> None:
    assert is_unavailable(OperationalError("SELECT 1", {}, error)) is unavailable
