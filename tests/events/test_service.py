"""Which events a visitor sees, and in what order: the rules, tested without HTTP."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from events_app.content import content_version, next_content_change
from events_app.db import Database
from events_app.events import service
from events_app.events.service import EventFilters
from events_app.models import EventFormat
from tests.factories import make_article, make_event


def upcoming(db: Database, now: datetime, **kwargs: object) -> list[str]:
    with db.read() as session:
        page = service.list_upcoming_events(session=session, now=now, **kwargs)  # type: ignore[arg-type]
    return [event.slug for event in page.items]


def test_drafts_and_events_before_their_go_live_moment_are_not_listed(
    db: Database, now: datetime
) -> None:
    make_event(db, now, slug="draft", status="draft")
    make_event(db, now, slug="scheduled", publish_at=now + timedelta(minutes=1))
    make_event(db, now, slug="live-now", publish_at=now)
    make_event(db, now, slug="cancelled", status="cancelled")
    assert set(upcoming(db, now)) == {"live-now", "cancelled"}
    assert "scheduled" in upcoming(db, now + timedelta(minutes=1))
    with db.read() as session:
        assert service.get_live_event(session=session, slug="draft", now=now) is None
        assert service.get_live_event(session=session, slug="scheduled", now=now) is None


def test_upcoming_is_in_date_order_and_keeps_events_in_progress(
    db: Database, now: datetime
) -> None:
    make_event(db, now, slug="later", starts_at=now + timedelta(days=9))
    make_event(db, now, slug="sooner", starts_at=now + timedelta(days=2))
    make_event(
        db,
        now,
        slug="in-progress",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
    )
    make_event(db, now, slug="over", starts_at=now - timedelta(days=3))
    assert upcoming(db, now) == ["in-progress", "sooner", "later"]
    with db.read() as session:
        past = service.list_past_events(session=session, now=now)
    assert [e.slug for e in past.items] == ["over"]


def test_past_events_are_newest_first(db: Database, now: datetime) -> None:
    for days in (30, 10, 20):
        make_event(db, now, slug=f"past-{days}", starts_at=now - timedelta(days=days))
    with db.read() as session:
        past = service.list_past_events(session=session, now=now)
    assert [e.slug for e in past.items] == ["past-10", "past-20", "past-30"]


def test_filters_by_category_format_text_and_dates(db: Database, now: datetime) -> None:
    make_event(
        db,
        now,
        slug="quantum",
        title="Quantum lecture",
        categories=["Physics"],
        starts_at=now + timedelta(days=1),
    )
    make_event(
        db,
        now,
        slug="online-chat",
        format="online",
        summary="A 100% online chat",
        starts_at=now + timedelta(days=5),
    )
    make_event(
        db,
        now,
        slug="deep",
        description="All about **superconducting** qubits",
        starts_at=now + timedelta(days=10),
    )
    assert upcoming(db, now, filters=EventFilters(category="physics")) == ["quantum"]
    assert upcoming(db, now, filters=EventFilters(format=EventFormat.online)) == ["online-chat"]
    assert upcoming(db, now, filters=EventFilters(q="QUANTUM")) == ["quantum"]
    assert upcoming(db, now, filters=EventFilters(q="superconducting")) == ["deep"]
    assert upcoming(db, now, filters=EventFilters(q="100%")) == ["online-chat"]
    assert upcoming(db, now, filters=EventFilters(q="%")) == ["online-chat"]
    start = (now + timedelta(days=4)).date()
    assert upcoming(db, now, filters=EventFilters(date_from=start)) == ["online-chat", "deep"]
    assert upcoming(db, now, filters=EventFilters(date_to=start)) == ["quantum"]
    assert upcoming(db, now, filters=EventFilters(date_from=start, date_to=start)) == []


def test_date_filters_use_the_site_timezone(db: Database, now: datetime) -> None:
    # 22:00-00:00 UTC on 10 Dec is 06:00-08:00 on 11 Dec in Shanghai.
    make_event(
        db, now, slug="late", starts_at=datetime(2026, 12, 10, 22, 0, tzinfo=ZoneInfo("UTC"))
    )
    day = date(2026, 12, 11)
    shanghai = ZoneInfo("Asia/Shanghai")
    assert upcoming(
        db, now, filters=EventFilters(date_from=day, date_to=day), site_tz=shanghai
    ) == ["late"]
    assert upcoming(db, now, filters=EventFilters(date_from=day, date_to=day)) == []


def test_pagination_counts_pages(db: Database, now: datetime) -> None:
    for day in range(5):
        make_event(db, now, starts_at=now + timedelta(days=day + 1))
    with db.read() as session:
        first = service.list_upcoming_events(session=session, now=now, page_size=2)
        last = service.list_upcoming_events(session=session, now=now, page=3, page_size=2)
    assert (first.total, first.pages, first.has_next, first.has_previous) == (5, 3, True, False)
    assert (len(last.items), last.has_next, last.has_previous) == (1, False, True)


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
    with db.read() as session:
        event = service.get_live_event(session=session, slug="talk", now=now)
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
