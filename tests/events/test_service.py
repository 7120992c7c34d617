"""Which events a visitor sees, and in what order: the rules, tested without HTTP."""

from __future__ import annotations

import warnings
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from events_app.content import content_version, next_content_change
from events_app.db import Database
from events_app.events import service
from events_app.models import Article
from tests.factories import make_article, make_event


def test_month_calendar_puts_multi_day_events_on_every_day(db: Database, now: datetime) -> None:
    make_event(
        db,
        now,
        slug="week",
        all_day=True,
        starts_at=date(2026, 12, 30),
        ends_at=date(2027, 1, 2),
        timezone="UTC",
    )
    with db.read() as session:
        grid = service.month_calendar(
            session=session, now=now, year=2026, month=12, site_tz=ZoneInfo("UTC")
        )
    days_with_event = [d.day for w in grid.weeks for d in w if d.events]
    assert days_with_event == [
        date(2026, 12, 30),
        date(2026, 12, 31),
        date(2027, 1, 1),
        date(2027, 1, 2),
    ]
    assert grid.weeks[0][0].day.weekday() == 0  # Monday first
    assert (grid.previous, grid.next) == ((2026, 11), (2027, 1))
    assert grid.event_count == 1
    assert any(d.is_today for w in grid.weeks for d in w)


def test_event_page_lists_only_published_related_articles(db: Database, now: datetime) -> None:
    make_article(db, now, slug="out", published_at=now - timedelta(days=1))
    make_article(db, now, slug="soon", published_at=now + timedelta(days=1))
    make_event(db, now, slug="talk", articles=["out", "soon"])
    with db.read() as session, warnings.catch_warnings():
        warnings.simplefilter("error")  # SQLAlchemy's warning about an unwritable change
        event = service.get_live_event(session=session, slug="talk", now=now)
        # The event page reads on in the same session (the seats left): leaving out the
        # unpublished article must not be a pending change that the next query flushes.
        session.scalar(select(func.count()).select_from(Article))
        assert not session.dirty
    assert event is not None
    assert [a.slug for a in event.articles] == ["out"]


def test_writes_raise_the_content_version_and_next_change_is_the_nearest_moment(
    db: Database, now: datetime
) -> None:
    with db.read() as session:
        before = content_version(session=session)
    make_event(db, now, starts_at=now + timedelta(days=3), publish_at=now + timedelta(days=1))
    make_article(db, now, published_at=now + timedelta(hours=5))
    with db.read() as session:
        assert content_version(session=session) == before + 2
        assert next_content_change(session=session, now=now) == now + timedelta(hours=5)


def test_month_calendar_places_events_on_their_own_local_dates(db: Database, now: datetime) -> None:
    # 10:00-11:30 in New York on 7 Dec is 23:00-00:30 in Shanghai: still one day, the 7th.
    new_york = ZoneInfo("America/New_York")
    make_event(
        db,
        now,
        slug="ny",
        timezone="America/New_York",
        starts_at=datetime(2026, 12, 7, 10, 0, tzinfo=new_york),
        ends_at=datetime(2026, 12, 7, 11, 30, tzinfo=new_york),
    )
    with db.read() as session:
        grid = service.month_calendar(
            session=session, now=now, year=2026, month=12, site_tz=ZoneInfo("Asia/Shanghai")
        )
    assert [d.day for w in grid.weeks for d in w if d.events] == [date(2026, 12, 7)]
