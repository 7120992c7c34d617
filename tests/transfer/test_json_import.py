"""Importing the JSON format: created, matched by slug, all or nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from events_app.articles.editing import find_article
from events_app.content import content_version
from events_app.db import Database
from events_app.events.editing import find_event
from events_app.models import Article, Category, Event
from events_app.transfer.checking import ImportRejected
from events_app.transfer.commands import read_document
from events_app.transfer.records import UnreadableFile
from events_app.transfer.service import ImportReport, import_document
from tests.factories import make_article, make_event
from tests.support.routes import site_urls

DATA = Path(__file__).parent / "data"


def import_bytes(db: Database, now: datetime, data: bytes) -> ImportReport:
    with db.write() as session:
        document = read_document(
            data, session=session, urls=site_urls("https://events.example.org")
        )
        return import_document(session=session, now=now, document=document)


def import_records(db: Database, now: datetime, document: Any) -> ImportReport:
    return import_bytes(db, now, json.dumps(document).encode())


def count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def timed(slug: str, **values: Any) -> dict[str, Any]:
    return {
        "slug": slug,
        "title": slug.replace("-", " ").title(),
        "starts_at": "2026-12-08T18:00:00+01:00",
        "ends_at": "2026-12-08T20:00:00+01:00",
        "timezone": "Europe/Berlin",
        **values,
    }


def test_import_creates_events_articles_categories_and_links(db: Database, now: datetime) -> None:
    report = import_bytes(db, now, (DATA / "events.json").read_bytes())

    assert report.created == [
        ("article", "lab-notes"),
        ("event", "open-lab-evening"),
        ("event", "winter-school"),
        ("event", "draft-idea"),
        ("event", "postponed-talk"),
    ]
    with db.read() as session:
        evening = find_event(session=session, slug="open-lab-evening")
        assert evening is not None
        assert evening.starts_at == datetime(2026, 12, 8, 17, 0, tzinfo=UTC)
        assert evening.timezone == "Europe/Berlin"
        assert evening.capacity == 80
        assert evening.online_url == "https://stream.example.org/secret-room"
        assert sorted(c.name for c in evening.categories) == ["Open science", "Public talks"]
        assert [a.slug for a in evening.articles] == ["lab-notes"]
        school = find_event(session=session, slug="winter-school")
        assert school is not None
        assert school.all_day
        # Midnight in Shanghai, and the end is the day after the last day.
        assert school.starts_at == datetime(2027, 1, 10, 16, 0, tzinfo=UTC)
        assert school.ends_at == datetime(2027, 1, 15, 16, 0, tzinfo=UTC)
        assert school.publish_at == datetime(2026, 12, 5, 1, 0, tzinfo=UTC)
        article = find_article(session=session, slug="lab-notes")
        assert article is not None
        assert [c.slug for c in article.categories] == ["open-science"]
        assert count(session, Category) == 3


def test_second_import_of_the_same_file_changes_nothing(db: Database, now: datetime) -> None:
    data = (DATA / "events.json").read_bytes()
    import_bytes(db, now, data)
    with db.read() as session:
        version = content_version(session=session)
        sequences = {e.slug: e.sequence for e in session.scalars(select(Event))}

    report = import_bytes(db, now, data)

    assert report.created == []
    assert report.updated == []
    assert len(report.unchanged) == 5
    with db.read() as session:
        assert count(session, Event) == 4
        assert count(session, Article) == 1
        assert count(session, Category) == 3
        assert content_version(session=session) == version
        assert {e.slug: e.sequence for e in session.scalars(select(Event))} == sequences


def test_a_changed_record_updates_the_event_and_raises_its_sequence(
    db: Database, now: datetime
) -> None:
    import_records(db, now, [timed("talk", venue="Hall A")])

    report = import_records(db, now, [timed("talk", venue="Hall B")])

    assert report.updated == [("event", "talk")]
    with db.read() as session:
        event = find_event(session=session, slug="talk")
        assert event is not None
        assert event.venue == "Hall B"
        assert event.sequence == 1


def test_update_keeps_what_the_format_does_not_carry(db: Database, now: datetime) -> None:
    make_event(db, now, slug="talk", organizer="Science Desk", latitude=52.5, longitude=13.4)

    import_records(db, now, [timed("talk", title="Renamed talk")])

    with db.read() as session:
        event = find_event(session=session, slug="talk")
        assert event is not None
        assert event.title == "Renamed talk"
        assert (event.organizer, event.latitude, event.longitude) == ("Science Desk", 52.5, 13.4)


def test_events_may_link_articles_already_in_the_database(db: Database, now: datetime) -> None:
    make_article(db, now, slug="older-article")

    import_records(db, now, {"events": [timed("talk", articles=["older-article"])]})

    with db.read() as session:
        event = find_event(session=session, slug="talk")
        assert event is not None
        assert [a.slug for a in event.articles] == ["older-article"]


def test_one_rejected_record_rejects_the_whole_file(db: Database, now: datetime) -> None:
    with pytest.raises(ImportRejected) as caught:
        import_bytes(db, now, (DATA / "rejected.json").read_bytes())

    lines = [f"{r.label}: {p}" for r in caught.value.rejections for p in r.problems]
    assert (
        "events[1] (slug 'no-offset'): starts_at: needs a UTC offset, for example "
        "2026-12-08T14:00:00+08:00" in lines
    )
    assert (
        "events[2] (slug 'missing-article'): articles: unknown article slug(s) "
        "no-such-article" in lines
    )
    bad = [line for line in lines if line.startswith("events[3]")]
    assert any("slug: must be lowercase letters" in line for line in bad)
    assert any("title: must not be empty" in line for line in bad)
    assert any("format: must be 'in_person', 'online' or 'hybrid'" in line for line in bad)
    assert any("organizer: is not a key of the import format" in line for line in bad)
    assert not any(line.startswith("events[0]") for line in lines)
    with db.read() as session:
        assert count(session, Event) == 0
        assert count(session, Category) == 0
        assert content_version(session=session) == 0


def test_the_same_slug_twice_in_a_file_is_rejected(db: Database, now: datetime) -> None:
    with pytest.raises(ImportRejected) as caught:
        import_records(db, now, [timed("talk"), timed("talk", venue="Elsewhere")])

    [rejection] = caught.value.rejections
    assert rejection.label == "events[1] (slug 'talk')"
    assert rejection.problems == ("slug: also used by events[0] (slug 'talk')",)


def test_a_record_that_is_not_an_object_is_rejected(db: Database, now: datetime) -> None:
    with pytest.raises(ImportRejected) as caught:
        import_records(db, now, {"articles": ["lab-notes"], "events": []})

    assert caught.value.rejections[0].label == "articles[0]"
    assert caught.value.rejections[0].problems[0].startswith("must be an object with the keys")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b'{"events": [\n  {"slug": "x",}\n]}',
            "not valid JSON: Expecting property name "
            "enclosed in double quotes at line 2, column 16",
        ),
        (b'{"events": [], "venues": []}', "unknown top-level key(s) venues"),
        (b'{"events": {"slug": "x"}}', "'events' must be an array"),
        (b'"events"', "expected a JSON array of events"),
        (b"\xff\xfe{}", "not UTF-8 text"),
    ],
)
def test_an_unreadable_file_is_refused_as_a_whole(
    db: Database, now: datetime, content: bytes, message: str
) -> None:
    with pytest.raises(UnreadableFile) as caught:
        import_bytes(db, now, content)

    assert message in str(caught.value)


def test_imported_events_and_articles_are_stored_rendered(db: Database, now: datetime) -> None:
    article = {"slug": "news", "title": "News", "body": "# News\n\n[More](https://example.org)"}
    event = timed("talk", description="*Bring* a laptop.")
    import_records(db, now, {"articles": [article], "events": [event]})
    with db.read() as session:
        stored = find_event(session=session, slug="talk")
        news = find_article(session=session, slug="news")
        assert stored is not None
        assert news is not None
        assert (stored.description_html, stored.description_text) == (
            "<p><em>Bring</em> a laptop.</p>\n",
            "Bring a laptop.",
        )
        assert news.body_html.startswith("<h2>News</h2>")
        assert news.body_text == "News More"
    # Updated in place (the bulk writer's other path), rendered again.
    report = import_records(db, now, {"events": [{**event, "description": "Now **bold**."}]})
    assert report.updated == [("event", "talk")]
    with db.read() as session:
        stored = find_event(session=session, slug="talk")
        assert stored is not None
        assert stored.description_html == "<p>Now <strong>bold</strong>.</p>\n"
        assert stored.description_text == "Now bold."
