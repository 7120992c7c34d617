"""A writer holding SQLite's write lock (a long import, say) does not stall the site: reads
answer while registrations wait, and a registration that cannot get the lock within
EVENTS_DATABASE_LOCK_TIMEOUT_SECONDS answers 503 with Retry-After, never 500."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import anyio.to_thread
import pytest
from sqlalchemy.engine import make_url
from starlette.testclient import TestClient

from events_app.app import create_app
from events_app.clock import FrozenClock
from events_app.db import Database
from tests.conftest import make_settings
from tests.factories import make_event
from tests.registration.web_helpers import https_client, register_form

SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
BODY = {"name": "Ada Lovelace", "email": "ada@example.org", "consent": True}
WRITERS = 20  # more than the pool's 5 + 10 connections
ANSWERS_WITHIN = 10.0  # a liveness bound: on old code these reads wait for the writers


@contextmanager
def write_lock_held(database_url: str) -> Iterator[None]:
    """Another process's long write transaction, as an import runs."""
    connection = sqlite3.connect(make_url(database_url).database or "", isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        connection.execute("ROLLBACK")
        connection.close()


def _threads_taken(client: TestClient) -> int:
    assert client.portal is not None
    return int(
        client.portal.call(lambda: anyio.to_thread.current_default_thread_limiter().borrowed_tokens)
    )


def _answer(client: TestClient, path: str) -> Any:
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(client.get(path)), daemon=True)
    thread.start()
    thread.join(ANSWERS_WITHIN)
    assert result, f"{path}: no answer while writers wait for the lock"
    return result[0]


@SQLITE
def test_a_held_write_lock_makes_registrations_503_and_leaves_reads_answering(
    database_url: str, db: Database, clock: FrozenClock
) -> None:
    event = make_event(db, clock.now())
    settings = make_settings(database_url, database_lock_timeout_seconds=3, page_cache=False)
    database = Database.from_settings(settings)
    api_path = f"/api/v1/events/{event.slug}/registrations"
    try:
        with https_client(create_app(settings, clock=clock, database=database)) as client:
            with write_lock_held(database_url):
                form = register_form(client, event.slug)
                assert form.status_code == 503
                assert int(form.headers["retry-after"]) > 0
                assert "text/html" in form.headers["content-type"]

                answers: list[Any] = []
                writers = [
                    threading.Thread(
                        target=lambda n=n: answers.append(
                            client.post(api_path, json={**BODY, "email": f"w{n}@example.org"})
                        )
                    )
                    for n in range(WRITERS)
                ]
                for writer in writers:
                    writer.start()
                while _threads_taken(client) < WRITERS // 2 and len(answers) < WRITERS:
                    threading.Event().wait(0.02)
                for path in (f"/events/{event.slug}", "/api/v1/events", "/healthz"):
                    assert _answer(client, path).status_code == 200
                    assert answers == [], f"{path} waited for the writers"
                for writer in writers:
                    writer.join()
            assert [answer.status_code for answer in answers] == [503] * WRITERS
            assert all(int(answer.headers["retry-after"]) > 0 for answer in answers)
            assert answers[0].json()["type"].endswith("#problem-unavailable")
            # The lock is free again: nothing was half-written, and registration works.
            assert client.post(api_path, json=BODY).status_code == 202
    finally:
        database.dispose()
