"""The dashboard counts seats as the public event page does (taken, held while awaiting
confirmation, left, waitlisted: the same function reads them), shows each event's fill and
its registrations per day in the event's own zone, named, and offers "New event" first."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from starlette.testclient import TestClient

from events_app.clock import FrozenClock
from events_app.db import Database
from events_app.models import Event
from events_app.registration.notify import Notifier
from tests.admin.web_helpers import sign_in
from tests.factories import make_event, make_user
from tests.registration.helpers import HOLD, confirm, register


def card(page: str, slug: str) -> str:
    """The event's card on the dashboard, from its title to its links."""
    start = page.index(f'href="/events/{slug}"')
    return page[start : page.index('<p class="dashboard-links">', start)]


def public_seats(client: TestClient, slug: str) -> str:
    found = re.search(
        r'<p class="seats"><span[^>]*>([^<]+)</span>', client.get(f"/events/{slug}").text
    )
    assert found
    return found.group(1)


def fill_numbers(page: str, slug: str) -> dict[str, int]:
    text = card(page, slug)
    numbers = {
        "confirmed": r"(\d+) confirmed",
        "held": r"(\d+) held, awaiting confirmation",
        "left": r"(\d+) seats? left",
        "waitlisted": r"(\d+) on the waitlist",
        "percent": r"\((\d+)%\)",
    }
    values = {}
    for name, pattern in numbers.items():
        found = re.search(pattern, text)
        assert found, name
        values[name] = int(found.group(1))
    return values


def full_event(db: Database, now: datetime, notifier: Notifier) -> Event:
    """Three seats: two confirmed, one held for someone who has not confirmed, and one person
    on the waitlist (who registered once no seat was free)."""
    event = make_event(db, now, slug="talk", capacity=3, timezone="America/New_York")
    assert event.id is not None
    for email in ("a@example.org", "b@example.org"):
        confirm(db, now, notifier, register(db, now, notifier, event.id, email)[1])
    register(db, now, notifier, event.id, "pending@example.org")
    confirm(db, now, notifier, register(db, now, notifier, event.id, "late@example.org")[1])
    return event


def test_the_dashboard_and_the_public_page_agree_on_taken_held_and_waitlisted(
    client: TestClient, db: Database, now: datetime, notifier: Notifier, clock: FrozenClock
) -> None:
    full_event(db, now, notifier)
    sign_in(client, make_user(db, now, role="editor"))
    page = client.get("/admin").text
    assert fill_numbers(page, "talk") == {
        "confirmed": 2,
        "held": 1,
        "left": 0,
        "waitlisted": 1,
        "percent": 100,
    }
    assert "3 of 3 seats taken (100%)" in card(page, "talk")
    assert public_seats(client, "talk") == (
        "Fully booked, 1 seat held for someone who has not confirmed yet"
    )
    # The hold lapses: both pages free the seat at the same moment, without any write.
    clock.advance(HOLD + timedelta(seconds=1))
    page = client.get("/admin").text
    assert fill_numbers(page, "talk") == {
        "confirmed": 2,
        "held": 0,
        "left": 1,
        "waitlisted": 1,
        "percent": 67,
    }
    assert public_seats(client, "talk") == "1 seat left"


def test_the_fill_bar_shows_confirmed_and_held_seats_apart(
    client: TestClient, db: Database, now: datetime, notifier: Notifier
) -> None:
    full_event(db, now, notifier)
    sign_in(client, make_user(db, now, role="editor"))
    bar = card(client.get("/admin").text, "talk")
    assert '<svg class="fill-bar" viewBox="0 0 100 6"' in bar
    assert 'aria-label="100% full"' in bar
    assert '<rect class="fill-seated" x="0" y="0" width="67" height="6"/>' in bar
    assert '<rect class="fill-held" x="67" y="0" width="33" height="6"/>' in bar


def test_each_event_shows_its_registrations_per_day_in_its_own_zone(
    client: TestClient, db: Database, now: datetime, notifier: Notifier
) -> None:
    # now: Tue 1 Dec 2026, 09:00 UTC = 04:00 in New York, still 1 Dec there.
    event = make_event(
        db,
        now - timedelta(days=20),
        slug="talk",
        timezone="America/New_York",
        starts_at=now + timedelta(days=5),
    )
    assert event.id is not None
    moments = [
        datetime(2026, 12, 1, 4, 30, tzinfo=UTC),  # 30 Nov, 23:30 in New York
        datetime(2026, 12, 1, 5, 30, tzinfo=UTC),  # 1 Dec, 00:30 in New York
        datetime(2026, 12, 1, 8, 0, tzinfo=UTC),  # 1 Dec
        datetime(2026, 11, 18, 12, 0, tzinfo=UTC),  # 18 Nov: the first of the 14 days
        datetime(2026, 11, 17, 12, 0, tzinfo=UTC),  # before the chart
    ]
    for number, moment in enumerate(moments):
        register(db, moment, notifier, event.id, f"p{number}@example.org")
    sign_in(client, make_user(db, now, role="editor"))
    text = card(client.get("/admin").text, "talk")
    assert "Tuesday 1 December 2026: 2 registrations" in text
    assert "Monday 30 November 2026: 1 registration<" in text
    assert "Wednesday 18 November 2026: 1 registration<" in text
    assert "Tuesday 17 November 2026" not in text
    assert text.count('class="chart-bar"') == 3
    assert "4 registrations in the last 14 days (18 Nov – 1 Dec, America/New_York)" in text
    assert (
        'aria-label="Registrations per day over the last 14 days, by day in America/New_York: '
        '4 in all."' in text
    )


def test_times_are_in_the_events_zone_with_the_zone_named(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(
        db,
        now,
        slug="talk",
        timezone="Asia/Shanghai",
        starts_at=datetime(2026, 12, 8, 1, 0, tzinfo=UTC),
    )
    sign_in(client, make_user(db, now, role="editor"))
    text = card(client.get("/admin").text, "talk")
    assert 'Tue 8 Dec 2026, 09:00 UTC+8</time> · <span translate="no">Asia/Shanghai</span>' in text


def test_new_event_is_a_primary_button_on_the_dashboard_and_the_events_list(
    client: TestClient, db: Database, now: datetime
) -> None:
    sign_in(client, make_user(db, now, role="editor"))
    for path in ("/admin", "/admin/events"):
        page = client.get(path).text
        head = page[page.index('<div class="section-head">') :]
        assert head.index('<a class="button-link" href="/admin/events/new">New event</a>') < (
            head.index("</div>")
        )
