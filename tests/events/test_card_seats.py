"""Listings say how full each event is ("3 seats left", "Full: join the waitlist") while its
registration is open, stay cached through registrations that change nothing they show, and
list cancelled events after the ones still happening."""

from __future__ import annotations

from datetime import datetime, timedelta

from starlette.testclient import TestClient

from events_app.clock import FrozenClock
from events_app.db import Database
from events_app.registration.notify import Notifier
from tests.factories import make_event
from tests.query_counter import count_queries
from tests.registration.helpers import register

FULL = "Full: join the waitlist"


def fill(db: Database, now: datetime, notifier: Notifier, event_id: int | None, count: int) -> None:
    """`count` registrations holding seats, written as another process would."""
    assert event_id is not None
    for number in range(count):
        register(db, now, notifier, event_id, f"p{event_id}-{number}@example.org")


def card_of(html: str, title: str) -> str:
    start = html.index(f">{title}</a>")
    return html[start : html.index("</article>", start)]


def test_cards_say_few_seats_and_full_only_while_registration_is_open(
    client: TestClient, db: Database, now: datetime, notifier: Notifier
) -> None:
    plenty = make_event(db, now, slug="plenty", title="Plenty", capacity=100)
    few = make_event(db, now, slug="few", title="Few", capacity=20)
    full = make_event(db, now, slug="full", title="Full up", capacity=2)
    closed = make_event(
        db, now, slug="closed", title="Closed", capacity=2,
        registration_closes_at=now + timedelta(minutes=1),
    )  # fmt: skip
    make_event(db, now, slug="open-ended", title="Open ended", capacity=None)
    fill(db, now, notifier, plenty.id, 10)
    fill(db, now, notifier, few.id, 17)
    fill(db, now, notifier, full.id, 2)
    fill(db, now, notifier, closed.id, 2)
    for path in ("/events", "/"):
        html = client.get(path).text
        assert "seat" not in card_of(html, "Plenty")
        assert FULL not in card_of(html, "Plenty")
        assert "3 seats left" in card_of(html, "Few")
        assert FULL in card_of(html, "Full up")
        assert FULL in card_of(html, "Closed")  # still open for a minute
        assert "seat" not in card_of(html, "Open ended")
    assert client.get("/api/v1/events").status_code == 200


def test_a_closed_registration_or_a_past_event_shows_no_seats(
    client: TestClient, db: Database, now: datetime, notifier: Notifier, clock: FrozenClock
) -> None:
    full = make_event(
        db, now, slug="full", title="Full up", capacity=1,
        registration_closes_at=now + timedelta(hours=1),
        starts_at=now + timedelta(hours=2), ends_at=now + timedelta(hours=3),
    )  # fmt: skip
    fill(db, now, notifier, full.id, 1)
    assert FULL in client.get("/events").text
    clock.advance(timedelta(hours=1))  # registration closes: the cached page goes too
    assert FULL not in card_of(client.get("/events").text, "Full up")
    clock.advance(timedelta(hours=3))
    assert FULL not in client.get("/events/past").text


def test_listings_stay_cached_until_an_event_fills_up(
    client: TestClient, db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now, slug="talk", title="Talk", capacity=8)
    client.get("/events")
    fill(db, now, notifier, event.id, 5)  # 3 left of 8: not "few" yet (a quarter is 2)
    with count_queries(db.engine) as statements:
        assert "seat" not in card_of(client.get("/events").text, "Talk")
    assert statements == []  # the check saw the seats move, but not what the card shows
    register(db, now, notifier, event.id, "one-more@example.org")  # 2 left: few
    assert "2 seats left" in card_of(client.get("/events").text, "Talk")


def test_cancelled_events_come_after_the_others_of_their_month(
    client: TestClient, db: Database, now: datetime
) -> None:
    day = timedelta(days=1)
    hours = timedelta(hours=2)
    make_event(db, now, slug="first", title="First", status="cancelled",
               starts_at=now + day, ends_at=now + day + hours)  # fmt: skip
    make_event(db, now, slug="second", title="Second",
               starts_at=now + 2 * day, ends_at=now + 2 * day + hours)  # fmt: skip
    for path in ("/events", "/"):
        html = client.get(path).text
        assert html.index(">Second</a>") < html.index(">First</a>"), path
    api = [item["slug"] for item in client.get("/api/v1/events").json()["data"]]
    assert api == ["first", "second"]  # the API stays in order of time


def test_an_online_events_card_says_online_once(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="webinar", title="Webinar", format="online", venue="")
    card = card_of(client.get("/events").text, "Webinar")
    assert card.count("Online") == 1
