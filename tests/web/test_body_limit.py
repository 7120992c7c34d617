"""Oversized bodies are refused with 413 before anything parses them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from starlette.testclient import TestClient

from events_app.db import Database
from tests.factories import make_event
from tests.registration.helpers import outbox
from tests.registration.web_helpers import SAME_ORIGIN
from tests.support.http import https_client_fixture  # noqa: F401 (`client`, over HTTPS)


def test_a_declared_length_over_the_limit_is_refused(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="talk")
    limit = client.app.state.context.settings.max_body_bytes  # type: ignore[attr-defined]
    response = client.post(
        "/events/talk/register",
        data={"name": "A" * limit, "email": "a@example.org", "consent": "1"},
        headers=SAME_ORIGIN,
    )
    assert response.status_code == 413
    assert "Too much data" in response.text
    assert "content-security-policy" in response.headers
    assert outbox(db) == []


def test_a_streamed_body_is_counted(client: TestClient, db: Database, now: datetime) -> None:
    make_event(db, now, slug="talk")

    limit = client.app.state.context.settings.max_body_bytes  # type: ignore[attr-defined]

    def chunks() -> Iterator[bytes]:
        yield b"name="
        for _ in range(limit // 1024 + 1):
            yield b"A" * 1024

    response = client.post(
        "/events/talk/register",
        content=chunks(),
        headers={"content-type": "application/x-www-form-urlencoded", **SAME_ORIGIN},
    )
    assert response.status_code == 413
    assert outbox(db) == []


def test_a_malformed_length_is_a_bad_request_and_small_bodies_pass(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="talk")
    bad = client.post("/events/talk/register", content=b"x=1", headers={"content-length": "x"})
    assert bad.status_code == 400
    ok = client.post(
        "/events/talk/register",
        data={"name": "A", "email": "a@example.org", "consent": "1"},
        headers=SAME_ORIGIN,
        follow_redirects=False,
    )
    assert ok.status_code == 303


def test_the_back_office_takes_larger_bodies_and_public_forms_do_not(
    client: TestClient, db: Database, now: datetime
) -> None:
    """A form just over the public limit: within the back office's (`/admin/`), where it
    reaches the sign-in guard instead of the 413."""
    make_event(db, now, slug="talk")
    limit = client.app.state.context.settings.max_body_bytes  # type: ignore[attr-defined]
    data = {"name": "x" * limit}
    public = client.post("/events/talk/register", data=data, headers=SAME_ORIGIN)
    assert public.status_code == 413
    admin = client.post("/admin/articles/new", data=data, headers=SAME_ORIGIN)
    assert admin.status_code != 413
