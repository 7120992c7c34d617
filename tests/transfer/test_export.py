"""Export as JSON, then import into an empty database: the same content comes back."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import text

from events_app.calendar.vevent import CalendarSite
from events_app.db import Database
from events_app.transfer.commands import read_document
from events_app.transfer.export import export_ics, export_json
from events_app.transfer.records import ARTICLE_KEYS, EVENT_KEYS
from events_app.transfer.service import import_document
from tests.factories import make_article, make_event
from tests.support.routes import site_urls
from tests.support.settings import TABLES


def _empty(db: Database) -> None:
    with db.write() as session:
        for table in TABLES:  # links first
            session.execute(text(f"DELETE FROM {table}"))


def _export(db: Database) -> bytes:
    with db.read() as session:
        return export_json(session=session)


def test_export_then_import_into_an_empty_database_round_trips(db: Database, now: datetime) -> None:
    article = make_article(db, now, slug="b-article", categories=["Policy"])
    make_event(
        db, now, slug="b-timed", timezone="America/New_York",
        starts_at=datetime.fromisoformat("2027-03-14T01:30:00-05:00"),
        categories=["Policy", "Talks"], articles=[article.slug], capacity=10,
        online_url="https://meet.example.org/x", format="hybrid",
        publish_at=now + timedelta(days=2),
    )  # fmt: skip
    make_event(
        db, now, slug="a-all-day", timezone="Asia/Shanghai", all_day=True,
        starts_at=datetime(2027, 1, 11).date(), ends_at=datetime(2027, 1, 15).date(),
    )  # fmt: skip
    make_event(db, now, slug="c-draft", status="draft", title="Still a draft")
    exported = _export(db)

    _empty(db)
    with db.write() as session:
        report = import_document(
            session=session,
            now=now,
            document=read_document(
                exported, session=session, urls=site_urls("https://events.example.org")
            ),
        )

    assert len(report.created) == 4
    assert _export(db) == exported
    events = {e["slug"]: e for e in json.loads(exported)["events"]}
    assert list(events) == ["a-all-day", "b-timed", "c-draft"]
    assert events["b-timed"]["starts_at"] == "2027-03-14T01:30:00-05:00"
    assert events["b-timed"]["timezone"] == "America/New_York"
    assert events["b-timed"]["categories"] == ["Policy", "Talks"]
    assert events["b-timed"]["articles"] == ["b-article"]
    assert (events["a-all-day"]["starts_at"], events["a-all-day"]["ends_at"]) == (
        "2027-01-11", "2027-01-15",
    )  # fmt: skip


def test_json_export_has_exactly_the_format_keys_ordered_by_slug(
    db: Database, now: datetime
) -> None:
    make_article(db, now, slug="z-article")
    make_article(db, now, slug="a-article")
    make_event(db, now, slug="m-event", status="draft")
    make_event(
        db, now, slug="d-event", timezone="Asia/Shanghai", all_day=True,
        starts_at=datetime(2027, 1, 11).date(), ends_at=datetime(2027, 1, 12).date(),
    )  # fmt: skip
    make_event(
        db, now, slug="b-event", timezone="Europe/Berlin",
        starts_at=datetime.fromisoformat("2026-12-08T18:00:00+01:00"),
    )  # fmt: skip

    document = json.loads(_export(db))

    assert list(document) == ["articles", "events"]
    assert [a["slug"] for a in document["articles"]] == ["a-article", "z-article"]
    assert [e["slug"] for e in document["events"]] == ["b-event", "d-event", "m-event"]
    assert all(tuple(a) == ARTICLE_KEYS for a in document["articles"])
    assert all(tuple(e) == EVENT_KEYS for e in document["events"])
    timed, all_day = document["events"][0], document["events"][1]
    assert (timed["starts_at"], timed["ends_at"]) == (
        "2026-12-08T18:00:00+01:00", "2026-12-08T20:00:00+01:00",
    )  # fmt: skip
    assert (all_day["starts_at"], all_day["ends_at"]) == ("2027-01-11", "2027-01-12")


def test_ics_export_leaves_drafts_out(db: Database, now: datetime) -> None:
    make_event(db, now, slug="public", title="Public talk")
    make_event(db, now, slug="secret", title="Secret draft", status="draft")

    with db.read() as session:
        site = CalendarSite(site_urls("https://x.org"), "Events", "Events <events@x.org>")
        data = export_ics(session=session, now=now, site=site)

    assert b"Public talk" in data
    assert b"Secret draft" not in data
