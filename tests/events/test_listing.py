"""The listings behind /events and /events/past: what is listed, in what order, filtered."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from events_app.db import Database
from events_app.events import listing, service
from events_app.events.listing import EventFilters
from events_app.models import EventFormat
from tests.factories import make_event


def upcoming(db: Database, now: datetime, **kwargs: object) -> list[str]:
    with db.read() as session:
        page = listing.list_upcoming_events(session=session, now=now, **kwargs)  # type: ignore[arg-type]
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
        past = listing.list_past_events(session=session, now=now)
    assert [e.slug for e in past.items] == ["over"]


def test_past_events_are_newest_first(db: Database, now: datetime) -> None:
    for days in (30, 10, 20):
        make_event(db, now, slug=f"past-{days}", starts_at=now - timedelta(days=days))
    with db.read() as session:
        past = listing.list_past_events(session=session, now=now)
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


def test_the_farthest_dates_are_answered_not_overflowed(db: Database, now: datetime) -> None:
    # The first and last days a date can name: moved to UTC east of Greenwich, or to the
    # following day, they would leave datetime's range.
    make_event(db, now, slug="soon")
    tokyo = ZoneInfo("Asia/Tokyo")
    wide = EventFilters(date_from=date.min, date_to=date.max)
    assert upcoming(db, now, filters=wide, site_tz=tokyo) == ["soon"]
    assert upcoming(db, now, filters=EventFilters(date_from=date.max), site_tz=tokyo) == []


def test_pagination_counts_pages(db: Database, now: datetime) -> None:
    for day in range(5):
        make_event(db, now, starts_at=now + timedelta(days=day + 1))
    with db.read() as session:
        first = listing.list_upcoming_events(session=session, now=now, page_size=2)
        last = listing.list_upcoming_events(session=session, now=now, page=3, page_size=2)
    assert (first.total, first.pages, first.has_next, first.has_previous) == (5, 3, True, False)
    assert (len(last.items), last.has_next, last.has_previous) == (1, False, True)
