"""/sitemap.xml lists exactly the live pages with their last change; /robots.txt names it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

from starlette.testclient import TestClient

from events_app.app import create_app
from events_app.clock import FrozenClock
from events_app.db import Database
from tests.factories import edit_event, make_article, make_event
from tests.registration.web_helpers import https_client
from tests.support.settings import make_settings

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
BASE = "https://events.example.org"


def sitemap(client: TestClient) -> dict[str, str | None]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    found: dict[str, str | None] = {}
    for url in root.findall("s:url", NS):
        loc = url.findtext("s:loc", namespaces=NS)
        assert loc is not None
        assert loc.startswith(BASE + "/")
        assert loc not in found
        found[loc.removeprefix(BASE)] = url.findtext("s:lastmod", namespaces=NS)
    return found


def test_only_live_and_published_content(client: TestClient, db: Database, now: datetime) -> None:
    make_event(db, now, slug="talk", categories=["Open science"])
    make_event(db, now, slug="gone", status="cancelled")
    make_event(db, now - timedelta(days=30), slug="old", starts_at=now - timedelta(days=20))
    make_event(db, now, slug="draft", status="draft", categories=["Drafts only"])
    make_event(db, now, slug="later", publish_at=now + timedelta(days=1))
    make_article(db, now, slug="news", categories=["Policy"])
    make_article(db, now, slug="tomorrow", published_at=now + timedelta(days=1))
    assert set(sitemap(client)) == {
        "/", "/events", "/articles", "/events/talk", "/events/gone", "/events/old",
        "/articles/news", "/categories/open-science", "/categories/policy",
    }  # fmt: skip


def test_lastmod_is_the_last_change_a_visitor_could_see(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    start = clock.now()
    make_event(db, start, slug="talk", categories=["Open science"])
    make_event(db, start, slug="later", publish_at=start + timedelta(hours=1))
    make_article(db, start - timedelta(days=3), slug="news", published_at=start - timedelta(days=2))
    clock.advance(timedelta(hours=1))
    edit_event(db, clock.now(), "talk", title="Renamed")
    entries = sitemap(client)
    assert entries["/events/talk"] == "2026-12-01T10:00:00Z"  # edited an hour later
    assert entries["/events/later"] == "2026-12-01T10:00:00Z"  # went live then
    assert entries["/articles/news"] == "2026-11-29T09:00:00Z"  # published after it was written
    assert entries["/categories/open-science"] == "2026-12-01T10:00:00Z"
    assert entries["/events"] == entries["/"] == "2026-12-01T10:00:00Z"
    assert entries["/articles"] == "2026-11-29T09:00:00Z"


def test_an_empty_site_still_has_a_valid_sitemap(client: TestClient) -> None:
    assert sitemap(client) == {"/": None, "/events": None, "/articles": None}


def test_a_scheduled_event_appears_at_its_moment_without_a_restart(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    make_event(db, clock.now(), slug="later", publish_at=clock.now() + timedelta(hours=1))
    first = client.get("/sitemap.xml")
    assert b"/events/later" not in first.content
    assert (
        client.get("/sitemap.xml", headers={"if-none-match": first.headers["etag"]}).status_code
        == 304
    )
    clock.advance(timedelta(hours=1))
    assert "/events/later" in sitemap(client)


def test_robots_txt_names_the_sitemap_and_keeps_crawlers_out_of_private_pages(
    client: TestClient,
) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    lines = response.text.splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /admin" in lines
    assert "Disallow: /r/" in lines
    assert f"Sitemap: {BASE}/sitemap.xml" in lines
    assert not any(line in ("Disallow: /", "Disallow: /events") for line in lines)


def test_under_a_base_path_every_address_keeps_it(
    database_url: str, db: Database, clock: FrozenClock
) -> None:
    make_event(db, clock.now(), slug="talk")
    settings = make_settings(database_url, base_url="https://news.example.org/site")
    with https_client(create_app(settings, clock=clock, database=db)) as client:
        robots = client.get("/robots.txt").text.splitlines()
        root = ET.fromstring(client.get("/sitemap.xml").content)
    assert "Disallow: /site/admin" in robots
    assert "Disallow: /site/r/" in robots
    assert "Sitemap: https://news.example.org/site/sitemap.xml" in robots
    locs = [loc.text for loc in root.iterfind("s:url/s:loc", NS)]
    assert "https://news.example.org/site/events/talk" in locs
