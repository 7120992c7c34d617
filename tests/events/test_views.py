"""The public event pages through HTTP, with the app's lifespan running."""

from __future__ import annotations

from datetime import timedelta

from starlette.testclient import TestClient

from events_app.clock import FrozenClock
from events_app.db import Database
from tests.factories import make_article, make_event

PLACEHOLDER = "We are creating some awesome events for you. Kindly bear with us."


def test_empty_site_shows_the_placeholder_everywhere_events_would_be(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    article = make_article(db, clock.now())
    for path in ("/", "/events", f"/articles/{article.slug}"):
        response = client.get(path)
        assert response.status_code == 200
        assert PLACEHOLDER in response.text, path


def test_scheduled_event_goes_live_when_its_moment_passes(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    now = clock.now()
    make_event(db, now, slug="later", title="Scheduled talk", publish_at=now + timedelta(hours=1))
    assert client.get("/events/later").status_code == 404
    assert "Scheduled talk" not in client.get("/events").text
    assert PLACEHOLDER in client.get("/").text

    clock.advance(timedelta(hours=1))

    assert client.get("/events/later").status_code == 200
    assert "Scheduled talk" in client.get("/events").text
    assert PLACEHOLDER not in client.get("/").text
