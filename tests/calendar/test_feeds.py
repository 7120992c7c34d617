"""Which events each feed holds, for how long, and when a feed is rebuilt: against a real
database, with the clock moved by hand."""

from __future__ import annotations

from datetime import datetime, timedelta

import icalendar
import pytest

from events_app.calendar import feeds
from events_app.calendar.feed_cache import FeedCache, current_feed
from events_app.calendar.feeds import FeedDocument, FeedKind, FeedScope, build_feed
from events_app.calendar.vevent import CalendarSite, serialised_vevent
from events_app.clock import FrozenClock
from events_app.content import mark_content_changed
from events_app.db import Database
from tests.factories import edit_event, make_article, make_event
from tests.support.routes import site_urls

SITE = CalendarSite(
    site_urls("https://events.example.org"), "Science Events", "Events <events@example.org>"
)
SITE_FEED = FeedScope(FeedKind.site)


def feed(db: Database, now: datetime, scope: FeedScope = SITE_FEED, **options: int) -> FeedDocument:
    with db.read() as session:
        document = build_feed(
            session=session,
            now=now,
            scope=scope,
            site=SITE,
            max_events=options.get("max_events", 1000),
            calendar_changed_at=None,
        )
    assert document is not None
    return document


def vevents(document: FeedDocument) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(document.body)
    return {str(vevent["URL"]).rsplit("/", 1)[1]: vevent for vevent in calendar.events}


def test_the_site_feed_holds_live_events_and_those_of_the_last_30_days(
    db: Database, clock: FrozenClock
) -> None:
    now = clock.now()
    make_event(db, now, slug="upcoming", starts_at=now + timedelta(days=3))
    make_event(db, now, slug="recent", starts_at=now - timedelta(days=29, hours=3))
    make_event(db, now, slug="long-ago", starts_at=now - timedelta(days=31))
    make_event(db, now, slug="draft", status="draft")
    make_event(db, now, slug="scheduled", publish_at=now + timedelta(hours=5))

    document = feed(db, now)

    assert sorted(vevents(document)) == ["recent", "upcoming"]
    assert document.event_count == 2
    # It changes by itself when the scheduled event goes live or "recent" leaves the window.
    assert document.valid_until == now + timedelta(hours=5)


def test_a_scheduled_event_enters_the_feed_at_its_moment(db: Database, clock: FrozenClock) -> None:
    now = clock.now()
    make_event(db, now, slug="scheduled", publish_at=now + timedelta(hours=5))
    assert vevents(feed(db, now)) == {}

    clock.advance(timedelta(hours=5))

    assert list(vevents(feed(db, clock.now()))) == ["scheduled"]


def test_a_cancelled_event_stays_cancelled_in_the_feed_for_30_days(
    db: Database, clock: FrozenClock
) -> None:
    now = clock.now()
    make_event(db, now, slug="gala", starts_at=now + timedelta(days=90))
    before = vevents(feed(db, now))["gala"]
    edit_event(db, now, "gala", status="cancelled", status_reason="The hall is closed.")

    after = vevents(feed(db, now))["gala"]
    assert str(after["STATUS"]) == "CANCELLED"
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] > before.get("SEQUENCE", 0)
    assert feed(db, now).valid_until == now + timedelta(days=30)

    assert "gala" in vevents(feed(db, now + timedelta(days=29)))
    assert "gala" not in vevents(feed(db, now + timedelta(days=30, seconds=1)))


def test_category_and_article_feeds_hold_only_their_events(
    db: Database, clock: FrozenClock
) -> None:
    now = clock.now()
    make_article(db, now, slug="fusion", title="Fusion, explained")
    make_event(db, now, slug="plasma", categories=["Physics"], articles=["fusion"])
    make_event(db, now, slug="cells", categories=["Biology"])

    physics = feed(db, now, FeedScope(FeedKind.category, "physics"))
    article = feed(db, now, FeedScope(FeedKind.article, "fusion"))

    assert list(vevents(physics)) == ["plasma"]
    assert list(vevents(article)) == ["plasma"]
    assert "- Fusion, explained: https://" in str(vevents(physics)["plasma"]["DESCRIPTION"])
    with db.read() as session:
        for scope in (FeedScope(FeedKind.category, "nope"), FeedScope(FeedKind.article, "nope")):
            found = build_feed(
                session=session,
                now=now,
                scope=scope,
                site=SITE,
                max_events=10,
                calendar_changed_at=None,
            )
            assert found is None


def test_an_article_not_yet_published_has_no_feed_and_is_not_named(
    db: Database, clock: FrozenClock
) -> None:
    now = clock.now()
    make_article(
        db, now, slug="embargoed", title="Embargoed story", published_at=now + timedelta(days=1)
    )
    make_event(db, now, slug="talk", articles=["embargoed"])

    assert b"Embargoed" not in feed(db, now).body
    with db.read() as session:
        scope = FeedScope(FeedKind.article, "embargoed")
        assert (
            build_feed(
                session=session,
                now=now,
                scope=scope,
                site=SITE,
                max_events=9,
                calendar_changed_at=None,
            )
            is None
        )


def test_a_feed_is_bounded_by_count_and_by_size_keeping_the_nearest_events(
    db: Database, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = clock.now()
    for day in (5, 1, 3, 2, 4):
        make_event(db, now, slug=f"day-{day}", starts_at=now + timedelta(days=day))

    assert list(vevents(feed(db, now, max_events=3))) == ["day-1", "day-2", "day-3"]

    one_vevent = len(feed(db, now, max_events=2).body) - len(feed(db, now, max_events=1).body)
    monkeypatch.setattr(feeds, "FEED_MAX_BYTES", int(2.5 * one_vevent))
    assert list(vevents(feed(db, now))) == ["day-1", "day-2"]


def test_the_feed_is_kept_until_calendar_content_changes(db: Database, clock: FrozenClock) -> None:
    now = clock.now()
    make_event(db, now, slug="talk")
    make_event(db, now, slug="other")
    cache = FeedCache()

    def poll() -> FeedDocument:
        with db.read() as session:
            document = current_feed(
                session=session,
                now=clock.now(),
                scope=SITE_FEED,
                site=SITE,
                cache=cache,
                max_events=1000,
            )
        assert document is not None
        return document

    first = poll()
    with db.write() as session:  # a registration: seat counts change, feeds do not
        mark_content_changed(session=session)
    assert poll() is first
    assert cache.builds == 1

    misses = serialised_vevent.cache_info().misses
    clock.advance(timedelta(minutes=1))
    edit_event(db, clock.now(), "talk", title="Renamed talk")
    second = poll()

    assert cache.builds == 2
    assert second.etag != first.etag
    # Only the event that changed was serialised again.
    assert serialised_vevent.cache_info().misses == misses + 1
    assert second.last_modified == clock.now()
    assert vevents(second)["talk"]["UID"] == vevents(first)["talk"]["UID"]


def test_renaming_keeps_the_uid_and_rescheduling_raises_the_sequence(
    db: Database, clock: FrozenClock
) -> None:
    now = clock.now()
    make_event(db, now, slug="talk", categories=["Physics"])
    original = vevents(feed(db, now))["talk"]

    edit_event(db, now, "talk", title="A better title")
    renamed = vevents(feed(db, now))["talk"]
    later = (now + timedelta(days=8)).isoformat()
    edit_event(
        db, now, "talk", starts_at=later, ends_at=(now + timedelta(days=8, hours=1)).isoformat()
    )
    moved = vevents(feed(db, now))["talk"]

    assert renamed["UID"] == moved["UID"] == original["UID"]
    assert renamed.get("SEQUENCE", 0) == original.get("SEQUENCE", 0)
    assert moved["SEQUENCE"] == original.get("SEQUENCE", 0) + 1
    edit_event(db, now, "talk", status="cancelled")
    for scope in (SITE_FEED, FeedScope(FeedKind.category, "physics")):
        cancelled = vevents(feed(db, now, scope))["talk"]
        assert str(cancelled["STATUS"]) == "CANCELLED"
        assert cancelled["SEQUENCE"] == moved["SEQUENCE"] + 1
