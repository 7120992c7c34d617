"""A large import is written in bulk: the number of SQL statements does not grow with the
number of events, and what is stored is what `save_event` stores for the same record."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from events_app.config import Settings
from events_app.db import Database
from events_app.events.editing import find_event, save_event
from events_app.events.schemas import EventCreate
from events_app.models import Article, Category, Event, EventArticle, EventCategory
from events_app.transfer import service
from events_app.transfer.commands import read_document, run_import
from events_app.transfer.service import ImportReport, import_document
from tests.query_counter import count_queries
from tests.support.routes import site_urls

URLS = site_urls("https://events.example.org")


def _import(db: Database, now: datetime, document: Any) -> tuple[ImportReport, int]:
    with count_queries(db.engine) as statements, db.write() as session:
        incoming = read_document(json.dumps(document).encode(), session=session, urls=URLS)
        report = import_document(session=session, now=now, document=incoming)
    return report, len(statements)


def _file(prefix: str, events: int, **values: Any) -> dict[str, Any]:
    """`events` events naming two categories and two articles of the same file, all named
    after `prefix` so that two files share nothing."""
    articles = [
        {"slug": f"{prefix}-article-{n}", "title": f"Article {n}", "categories": [f"{prefix} A"]}
        for n in range(2)
    ]
    return {
        "articles": articles,
        "events": [
            {
                "slug": f"{prefix}-event-{n}",
                "title": f"Event {n}",
                "timezone": "Europe/Berlin",
                "starts_at": "2026-12-08T18:00:00+01:00",
                "ends_at": "2026-12-08T20:00:00+01:00",
                "categories": [f"{prefix} A", f"{prefix} B"],
                "articles": [f"{prefix}-article-{n % 2}"],
                **values,
            }
            for n in range(events)
        ],
    }


def test_statements_do_not_grow_with_the_number_of_events(db: Database, now: datetime) -> None:
    small, small_count = _import(db, now, _file("small", 10))
    large, large_count = _import(db, now, _file("large", 200))

    assert (len(small.created), len(large.created)) == (12, 202)
    assert large_count == small_count

    small, small_count = _import(db, now, _file("small", 10, venue="Annex"))
    large, large_count = _import(db, now, _file("large", 200, venue="Annex"))

    assert (len(small.updated), len(large.updated)) == (10, 200)
    assert large_count == small_count


def _stored(event: Event) -> dict[str, Any]:
    values = event.model_dump(exclude={"id", "uid", "slug"})
    values["categories"] = sorted(c.name for c in event.categories)
    values["articles"] = sorted(a.slug for a in event.articles)
    return values


@pytest.mark.parametrize("status", ["published", "cancelled", "draft"])
def test_an_imported_event_is_stored_as_save_event_stores_it(
    db: Database, now: datetime, status: str
) -> None:
    record = _file("x", 1, status=status, capacity=12, publish_at="2026-12-02T00:00:00+00:00")
    _import(db, now, record)
    with db.write() as session:
        values = record["events"][0] | {"slug": "saved"}
        save_event(session=session, now=now, data=EventCreate.model_validate(values))

    with db.read() as session:
        imported, saved = (find_event(session=session, slug=s) for s in ("x-event-0", "saved"))
        assert imported is not None
        assert saved is not None
        assert _stored(imported) == _stored(saved)


def test_an_update_replaces_links_and_follows_the_cancellation(db: Database, now: datetime) -> None:
    _import(db, now, _file("y", 3))
    changed = _file("y", 3, status="cancelled", categories=["Other"], articles=[])

    report, _count = _import(db, now, changed)

    assert report.updated == [("event", f"y-event-{n}") for n in range(3)]
    with db.read() as session:
        events = session.scalars(select(Event).order_by(Event.slug)).all()  # type: ignore[arg-type]
        assert [[c.name for c in e.categories] for e in events] == [["Other"]] * 3
        assert [e.articles for e in events] == [[]] * 3
        assert {(e.sequence, e.cancelled_at) for e in events} == {(1, now)}


def test_a_failure_after_the_bulk_writes_leaves_nothing_behind(
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    settings: Settings,
) -> None:
    """The bulk INSERTs run in the import's one transaction: the database refusing the last
    statement (here the content-version bump after every event and link is written) rolls
    all of them back."""
    path = tmp_path / "events.json"
    path.write_text(json.dumps(_file("z", 300)))

    def refuse(**_kwargs: object) -> None:
        raise OperationalError("UPDATE site_state", {}, Exception("disk I/O error"))

    monkeypatch.setattr(service, "mark_calendar_changed", refuse)

    assert run_import(settings, site_urls(settings), path, progress=False) == 1

    assert "the database refused it" in capsys.readouterr().err
    with db.read() as session:
        for model in (Event, Article, Category, EventCategory, EventArticle):
            assert session.scalar(select(func.count()).select_from(model)) == 0
