"""Every public page names its canonical address and describes itself for link previews
(Open Graph, Twitter card); pages that are not content (errors, attendees' pages) do not."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from html.parser import HTMLParser

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from events_app.db import Database
from events_app.registration.notify import Notifier
from tests.factories import make_article, make_event
from tests.registration.helpers import register
from tests.registration.web_helpers import https_client

BASE = "https://events.example.org"


class Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict[str, str | None]] = []
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "link":
            self.links.append(values)
        elif tag == "meta" and values.get("content") is not None:
            key = values.get("property") or values.get("name")
            if key:
                self.meta[key] = values["content"] or ""


def head(client: TestClient, path: str, status: int = 200) -> Head:
    response = client.get(path)
    assert response.status_code == status, path
    parser = Head()
    parser.feed(response.text)
    return parser


def canonicals(page: Head) -> list[str | None]:
    return [link.get("href") for link in page.links if link.get("rel") == "canonical"]


@pytest.fixture
def client(app: Starlette, db: Database, now: datetime) -> Iterator[TestClient]:
    make_event(db, now, slug="talk", title="Quantum talk", summary="Photons.",
               categories=["Open science"])  # fmt: skip
    make_article(db, now, slug="news", title="Shared labs", summary="Labs open up.",
                 categories=["Open science"])  # fmt: skip
    with https_client(app) as test_client:
        yield test_client


PUBLIC = [
    ("/", "/", "Events"),
    ("/events", "/events", "Upcoming events"),
    ("/events?q=quantum&format=online&page=2", "/events?page=2", "Upcoming events"),
    ("/events/past", "/events/past", "Past events"),
    ("/events/calendar/2026/12", "/events/calendar/2026/12", "December 2026"),
    ("/events/talk", "/events/talk", "Quantum talk"),
    ("/events/talk/share", "/events/talk/share", "Send this to a friend"),
    ("/articles", "/articles", "Articles"),
    ("/articles?page=x", "/articles", "Articles"),
    ("/articles/news", "/articles/news", "Shared labs"),
    ("/articles/news/share", "/articles/news/share", "Send this to a friend"),
    ("/categories/open-science", "/categories/open-science", "Open science"),
    ("/privacy", "/privacy", "Privacy notice"),
    ("/calendars", "/calendars", "Calendar feeds"),
]


@pytest.mark.parametrize(("path", "canonical", "title"), PUBLIC, ids=[p[0] for p in PUBLIC])
def test_public_pages_have_a_canonical_url_and_preview_tags(
    client: TestClient, path: str, canonical: str, title: str
) -> None:
    page = head(client, path)
    assert canonicals(page) == [BASE + canonical]
    meta = page.meta
    assert meta["og:url"] == BASE + canonical
    assert meta["og:title"] == meta["twitter:title"] == title
    assert meta["og:description"] == meta["twitter:description"] == meta["description"]
    assert meta["og:description"]
    assert meta["og:site_name"] == "Events"
    assert meta["twitter:card"] == "summary"
    assert meta["og:type"] == ("article" if path == "/articles/news" else "website")
    feeds = {
        link["href"] for link in page.links
        if link.get("rel") == "alternate" and link.get("type") == "application/atom+xml"
    }  # fmt: skip
    assert feeds == {f"{BASE}/events.atom", f"{BASE}/articles.atom"}


def test_an_articles_preview_carries_its_dates_and_categories(client: TestClient) -> None:
    meta = head(client, "/articles/news").meta
    assert meta["og:description"] == "Labs open up."
    assert meta["article:published_time"] == "2026-11-30T09:00:00+00:00"
    assert meta["article:modified_time"] == "2026-12-01T09:00:00+00:00"
    assert meta["article:tag"] == "Open science"


def test_the_events_preview_is_its_summary(client: TestClient) -> None:
    meta = head(client, "/events/talk").meta
    assert (meta["og:title"], meta["og:description"]) == ("Quantum talk", "Photons.")


def test_pages_that_are_not_content_have_no_canonical_url(
    client: TestClient, db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now, slug="open", registration_opens_at=now - timedelta(days=1))
    _, token = register(db, now, notifier, event.id, "ada@example.org")
    for path, status in [("/missing", 404), (f"/r/{token}", 200), ("/events/open/registered", 200),
                         ("/admin/login", 200)]:  # fmt: skip
        page = head(client, path, status)
        assert canonicals(page) == [], path
        assert "og:url" not in page.meta, path


def test_the_canonical_url_comes_from_the_base_url_not_the_host(
    app: Starlette, db: Database, now: datetime
) -> None:
    with TestClient(app, base_url="https://testserver") as client:
        html = client.get("/events", headers={"host": "testserver"}).text
    assert re.search(r'<link rel="canonical" href="https://events\.example\.org/events">', html)
