"""The Atom feeds (RFC 4287): what they hold, stable tag: ids, and cheap polling (ETag, 304)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pytest
from starlette.testclient import TestClient

from events_app.clock import FrozenClock
from events_app.db import Database
from events_app.discovery.documents import clean
from events_app.events.editing import find_event, save_event
from events_app.events.schemas import EventCreate
from events_app.transfer.records import event_record
from tests.factories import edit_event, make_article, make_event

A = "{http://www.w3.org/2005/Atom}"
BASE = "https://events.example.org"
RFC3339_UTC = "%Y-%m-%dT%H:%M:%SZ"


def feed(client: TestClient, path: str) -> ET.Element:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    assert response.headers["cache-control"] == "public, no-cache"
    root = ET.fromstring(response.content)
    assert root.tag == f"{A}feed"
    # RFC 4287 4.1.1: exactly one id, title and updated; an author for entries without one.
    for name in ("id", "title", "updated", "author"):
        assert len(root.findall(f"{A}{name}")) == 1, name
    datetime.strptime(root.findtext(f"{A}updated") or "", RFC3339_UTC)
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{A}link")}
    assert links["self"] == BASE + path
    for entry in root.findall(f"{A}entry"):
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{A}{name}")) == 1, name
        assert (entry.findtext(f"{A}id") or "").startswith("tag:events.example.org,")
        datetime.strptime(entry.findtext(f"{A}updated") or "", RFC3339_UTC)
        [link] = entry.findall(f"{A}link")
        assert link.get("rel") == "alternate"
        assert (link.get("href") or "").startswith(BASE)
        assert entry.find(f"{A}summary") is not None or entry.find(f"{A}content") is not None
    return root


def entries(root: ET.Element) -> dict[str, ET.Element]:
    return {
        (entry.find(f"{A}link").get("href") or "").removeprefix(BASE): entry  # type: ignore[union-attr]
        for entry in root.findall(f"{A}entry")
    }


def test_the_events_feed_holds_the_upcoming_live_events_soonest_first(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="second", starts_at=now + timedelta(days=9))
    make_event(db, now, slug="first", starts_at=now + timedelta(days=2), status="cancelled",
               status_reason="The speaker is ill.")  # fmt: skip
    make_event(db, now, slug="over", starts_at=now - timedelta(days=3))
    make_event(db, now, slug="draft", status="draft")
    make_event(db, now, slug="later", publish_at=now + timedelta(days=1))
    root = feed(client, "/events.atom")
    assert list(entries(root)) == ["/events/first", "/events/second"]
    assert root.findtext(f"{A}title") == "Events: upcoming events"
    cancelled = entries(root)["/events/first"]
    content = cancelled.find(f"{A}content")
    assert content is not None
    assert content.get("type") == "html"
    assert "<strong>This event has been cancelled.</strong> The speaker is ill." in (
        content.text or ""
    )
    assert "<em>description</em>" in (content.text or "")  # the Markdown, rendered
    assert cancelled.findtext(f"{A}summary") == "A summary."


def test_the_articles_feed_holds_the_latest_published_articles(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_article(db, now, slug="older", published_at=now - timedelta(days=5), author="")
    make_article(db, now, slug="newer", published_at=now - timedelta(days=1),
                 body="Some **bold** text & more.", categories=["Policy"])  # fmt: skip
    make_article(db, now, slug="tomorrow", published_at=now + timedelta(days=1))
    root = feed(client, "/articles.atom")
    found = entries(root)
    assert list(found) == ["/articles/newer", "/articles/older"]
    newer = found["/articles/newer"]
    assert newer.findtext(f"{A}author/{A}name") == "A. Writer"
    assert found["/articles/older"].find(f"{A}author") is None  # the feed's author stands
    assert "<strong>bold</strong> text &amp; more." in (newer.findtext(f"{A}content") or "")
    assert [c.get("term") for c in newer.findall(f"{A}category")] == ["Policy"]
    assert newer.findtext(f"{A}published") == "2026-11-30T09:00:00Z"
    assert root.findtext(f"{A}updated") == "2026-12-01T09:00:00Z"


def test_entry_ids_survive_renaming(client: TestClient, db: Database, now: datetime) -> None:
    make_event(db, now, slug="talk")
    before = entries(feed(client, "/events.atom"))["/events/talk"].findtext(f"{A}id")
    with db.write() as session:  # renamed: a new slug, so a new address
        event = find_event(session=session, slug="talk")
        assert event is not None
        data = EventCreate.model_validate(event_record(event) | {"slug": "renamed-talk"})
        save_event(session=session, now=now, data=data, event=event)
    after = entries(feed(client, "/events.atom"))["/events/renamed-talk"]
    assert after.findtext(f"{A}id") == before
    assert before is not None
    assert before.startswith("tag:events.example.org,2026-12-01:event/")


def test_an_entrys_updated_is_when_it_went_live(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    make_event(db, clock.now(), slug="later", publish_at=clock.now() + timedelta(hours=3))
    assert entries(feed(client, "/events.atom")) == {}
    clock.advance(timedelta(hours=3))
    entry = entries(feed(client, "/events.atom"))["/events/later"]
    assert entry.findtext(f"{A}updated") == "2026-12-01T12:00:00Z"


@pytest.mark.parametrize("path", ["/events.atom", "/articles.atom"])
def test_polling_an_unchanged_feed_gets_304(
    client: TestClient, db: Database, now: datetime, path: str
) -> None:
    make_event(db, now, slug="talk")
    make_article(db, now, slug="news")
    first = client.get(path)
    etag = first.headers["etag"]
    again = client.get(path, headers={"if-none-match": etag})
    assert (again.status_code, again.content) == (304, b"")
    assert again.headers["etag"] == etag
    edit_event(db, now, "talk", title="Changed")
    make_article(db, now, slug="fresh")
    changed = client.get(path, headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag


def test_empty_feeds_are_valid(client: TestClient) -> None:
    for path in ("/events.atom", "/articles.atom"):
        root = feed(client, path)
        assert root.findall(f"{A}entry") == []


def test_text_xml_cannot_carry_is_dropped() -> None:
    assert clean("a\x00b\x0cc\ufffed\tok\n") == "abcd\tok\n"
