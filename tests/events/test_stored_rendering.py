"""Descriptions and article bodies are rendered when saved; every page, feed, calendar and the
API show what was stored and never render the Markdown again. Each test changes the stored
rendering behind the app's back: what is served must be that, not the Markdown re-rendered."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import col
from starlette.testclient import TestClient

from events_app.db import Database
from events_app.models import Article, Event
from tests.factories import make_article, make_event

STORED_HTML = "<p>Stored <strong>HTML</strong></p>"
STORED_TEXT = "Stored text"


def _store(db: Database, event_slug: str, article_slug: str) -> None:
    with db.write() as session:
        session.execute(
            update(Event)
            .where(col(Event.slug) == event_slug)
            .values(description_html=STORED_HTML, description_text=STORED_TEXT)
        )
        session.execute(
            update(Article)
            .where(col(Article.slug) == article_slug)
            .values(body_html=STORED_HTML, body_text=STORED_TEXT)
        )


def test_pages_feeds_calendars_and_the_api_show_the_stored_rendering(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_article(db, now, slug="news", summary="", body="*Markdown* source")
    make_event(db, now, slug="talk", summary="", description="*Markdown* source")
    _store(db, "talk", "news")

    page = client.get("/events/talk").text
    assert STORED_HTML in page
    assert f'<meta name="description" content="{STORED_TEXT}">' in page
    assert f'"description": "{STORED_TEXT}"' in page or f'"description":"{STORED_TEXT}"' in page
    assert "<em>Markdown</em>" not in page
    article_page = client.get("/articles/news").text
    assert STORED_HTML in article_page
    assert f'<meta name="description" content="{STORED_TEXT}">' in article_page

    api = client.get("/api/v1/events/talk").json()
    assert api["description_html"] == STORED_HTML
    assert client.get("/api/v1/articles/news").json()["body_html"] == STORED_HTML

    assert "Stored HTML" in client.get("/events.ics").text.replace("\r\n ", "")
    atom = client.get("/events.atom").text
    assert "Stored &lt;strong&gt;HTML&lt;/strong&gt;" in atom
    assert STORED_TEXT in client.get("/articles.atom").text
