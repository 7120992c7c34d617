"""Article pages and their "Related events" box."""

from __future__ import annotations

from datetime import timedelta

from starlette.testclient import TestClient

from events_app.clock import FrozenClock
from events_app.db import Database
from tests.factories import PLACEHOLDER, make_article, make_event


def test_articles_are_listed_newest_first_and_future_ones_are_hidden(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    now = clock.now()
    make_article(db, now, title="Older piece", published_at=now - timedelta(days=5))
    make_article(db, now, title="Newer piece", published_at=now - timedelta(days=1))
    make_article(
        db, now, slug="embargoed", title="Embargoed", published_at=now + timedelta(hours=1)
    )
    page = client.get("/articles").text
    assert page.index("Newer piece") < page.index("Older piece")
    assert "Embargoed" not in page
    assert client.get("/articles/embargoed").status_code == 404
    clock.advance(timedelta(hours=1))
    assert client.get("/articles/embargoed").status_code == 200


def test_article_ends_with_its_live_upcoming_events(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    now = clock.now()
    make_article(
        db,
        now,
        slug="story",
        title="The story",
        body="Some **bold** text.",
        author="Mei Lin",
        categories=["Open science"],
    )
    make_event(db, now, title="Live related", articles=["story"])
    make_event(db, now, title="Draft related", articles=["story"], status="draft")
    make_event(db, now, title="Past related", articles=["story"], starts_at=now - timedelta(days=3))
    make_event(db, now, title="Unrelated")
    page = client.get("/articles/story").text
    related = page[page.index("Related events") :]
    assert "Live related" in related
    for title in ("Draft related", "Past related", "Unrelated"):
        assert title not in page
    assert "<strong>bold</strong>" in page
    assert "By Mei Lin" in page
    assert PLACEHOLDER not in page


def test_article_without_live_events_shows_the_placeholder_in_the_box(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    now = clock.now()
    make_article(db, now, slug="quiet")
    make_event(db, now, articles=["quiet"], publish_at=now + timedelta(days=1))
    page = client.get("/articles/quiet").text
    assert PLACEHOLDER in page[page.index("Related events") :]
