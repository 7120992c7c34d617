"""The public event page over HTTP: its layout's parts, the reader's time for the script to
fill in, zone labels that do not mislead, directions, one "Add to calendar" disclosure, and
status in colour and words (cancelled events take no registration and offer no calendar)."""

from __future__ import annotations

import html as html_lib
import json
import re
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from starlette.testclient import TestClient

from events_app.clock import FrozenClock
from events_app.db import Database
from events_app.registration.notify import Notifier
from tests.factories import make_event
from tests.registration.helpers import outbox, register

SHANGHAI = ZoneInfo("Asia/Shanghai")
CHICAGO = ZoneInfo("America/Chicago")


def links(page: str, text: str) -> list[str]:
    """The href of every link whose text is `text`."""
    found = re.findall(rf'<a href="([^"]+)"[^>]*>{re.escape(text)}</a>', page)
    return [html_lib.unescape(url) for url in found]


def test_facts_and_description_come_before_the_card_and_share_after_about(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    make_event(db, clock.now(), slug="talk", capacity=40, description="Three short talks.")
    page = client.get("/events/talk").text
    order = [
        page.index('class="facts"'),
        page.index('class="register-card"'),
        page.index('<h2 id="about-heading">About this event</h2>'),
        page.index("Three short talks."),
        page.index('id="share-heading"'),
    ]
    assert order == sorted(order)
    assert '<section class="registration" id="register"' in page
    # On a phone: a plain link to the form, no script needed.
    assert (
        '<p class="register-bar"><a class="register-bar-link" href="#register">Register</a></p>'
        in page
    )


def test_the_register_bar_is_there_only_while_registration_is_open(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    now = clock.now()
    make_event(db, now, slug="soon", registration_opens_at=now + timedelta(days=1))
    make_event(db, now, slug="full", capacity=0)
    make_event(db, now, slug="postponed", status="postponed")
    assert "register-bar" not in client.get("/events/soon").text
    assert "register-bar" not in client.get("/events/postponed").text
    assert 'href="#register">Join the waitlist</a>' in client.get("/events/full").text


def test_the_readers_own_time_is_left_to_a_static_script(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    start = datetime(2026, 12, 13, 14, 0, tzinfo=SHANGHAI)
    make_event(db, clock.now(), slug="forum", timezone="Asia/Shanghai", starts_at=start)
    page = client.get("/events/forum").text
    assert (
        '<span class="local-time" hidden>Your time: '
        '<time datetime="2026-12-13T14:00:00+08:00" data-event-zone="Asia/Shanghai"></time></span>'
    ) in page
    assert re.search(r'<script src="/static/js/local-time\.js\?v=\w+" defer></script>', page)
    # No inline script (the CSP refuses it): every script is a static file or JSON-LD data.
    for tag in re.findall(r"<script[^>]*>", page):
        assert 'src="/static/' in tag or 'type="application/ld+json"' in tag, tag
    assert client.get("/static/js/local-time.js").status_code == 200


def test_an_all_day_event_has_no_reader_time(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    day = clock.now().date() + timedelta(days=9)
    make_event(db, clock.now(), slug="week", all_day=True, starts_at=day, ends_at=day)
    assert 'class="local-time"' not in client.get("/events/week").text


def test_zone_abbreviations_that_mislead_are_written_as_offsets(
    client: TestClient, db: Database, clock: FrozenClock, notifier: Notifier
) -> None:
    now = clock.now()
    event = make_event(
        db, now, slug="chicago", timezone="America/Chicago", capacity=10,
        starts_at=datetime(2026, 12, 10, 18, 0, tzinfo=CHICAGO),
        registration_closes_at=datetime(2026, 12, 9, 12, 0, tzinfo=CHICAGO),
    )  # fmt: skip
    page = client.get("/events/chicago").text
    assert "Thu 10 Dec 2026, 18:00–20:00 UTC-6" in page
    assert "Registration is open until 9 December 2026, 12:00 UTC-6." in page
    assert "CST" not in page
    assert event.id is not None
    register(db, now, notifier, event.id, "ada@example.org")
    [email] = outbox(db)
    assert "18:00–20:00 UTC-6" in email.text_body
    assert "CST" not in email.text_body


def test_directions_lead_to_the_address(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    make_event(db, clock.now(), slug="talk", venue="Room 3", address="Invalidenstraße 1, Berlin")
    page = client.get("/events/talk").text
    assert "Directions:" in page
    [osm] = links(page, "OpenStreetMap")
    [google] = links(page, "Google Maps")
    [apple] = links(page, "Apple Maps")
    assert osm.startswith("https://www.openstreetmap.org/search?")
    assert parse_qs(urlsplit(osm).query) == {"query": ["Invalidenstraße 1, Berlin"]}
    assert google.startswith("https://www.google.com/maps/dir/?")
    assert parse_qs(urlsplit(google).query) == {
        "api": ["1"], "destination": ["Invalidenstraße 1, Berlin"]
    }  # fmt: skip
    assert parse_qs(urlsplit(apple).query) == {"daddr": ["Invalidenstraße 1, Berlin"]}
    # Links only: no map tiles, frames or map scripts.
    assert "<iframe" not in page
    assert "<img" not in page


def test_directions_lead_to_the_map_position_when_there_is_one(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    make_event(
        db, clock.now(), slug="forum", address="Haidian District, Beijing",
        latitude=39.9834, longitude=116.3162,
    )  # fmt: skip
    page = client.get("/events/forum").text
    [osm] = links(page, "OpenStreetMap")
    [google] = links(page, "Google Maps")
    [apple] = links(page, "Apple Maps")
    assert (
        osm == "https://www.openstreetmap.org/?mlat=39.9834&mlon=116.3162#map=17/39.9834/116.3162"
    )
    assert parse_qs(urlsplit(google).query)["destination"] == ["39.9834,116.3162"]
    assert parse_qs(urlsplit(apple).query) == {"daddr": ["39.9834,116.3162"]}
    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    geo = json.loads(block)["location"]["geo"]
    assert geo == {"@type": "GeoCoordinates", "latitude": 39.9834, "longitude": 116.3162}


def test_online_events_and_places_without_an_address_give_no_directions(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    now = clock.now()
    make_event(db, now, slug="webinar", format="online", venue="", latitude=1.0, longitude=2.0)
    make_event(db, now, slug="somewhere", venue="Main Hall", address="")
    for slug in ("webinar", "somewhere"):
        assert "Directions:" not in client.get(f"/events/{slug}").text, slug


def test_add_to_calendar_is_one_disclosure(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    make_event(db, clock.now(), slug="talk")
    page = client.get("/events/talk").text
    disclosure = re.search(r'<details class="add-to-calendar">(.*?)</details>', page, re.S)
    assert disclosure, "no Add to calendar disclosure"
    inside = disclosure.group(1)
    assert "<summary>Add to calendar</summary>" in inside
    for link in ('href="/events/talk.ics"', "calendar.google.com", "outlook.live.com"):
        assert link in inside
    assert page.count("Add to calendar") == 1


def test_a_cancelled_event_offers_no_calendar_and_no_registration(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    make_event(
        db, clock.now(), slug="off", status="cancelled", capacity=10,
        status_reason="The speaker is ill.",
    )  # fmt: skip
    page = client.get("/events/off").text
    assert '<div class="notice notice-cancelled" role="status">' in page
    assert "<strong>This event has been cancelled.</strong> The speaker is ill." in page
    assert '<span class="badge badge-cancelled">Cancelled</span>' in page
    assert "This event has been cancelled, so it takes no registrations." in page
    assert "Add to calendar" not in page
    assert "/register" not in page
    assert "register-bar" not in page
    assert "seats left" not in page


def test_postponed_full_and_few_are_shown_in_colour_and_words(
    client: TestClient, db: Database, clock: FrozenClock, notifier: Notifier
) -> None:
    now = clock.now()
    make_event(db, now, slug="later", status="postponed")
    page = client.get("/events/later").text
    assert '<div class="notice notice-postponed" role="status">' in page
    assert '<span class="badge badge-postponed">Postponed</span>' in page
    make_event(db, now, slug="full", capacity=0)
    assert '<span class="state state-full">Fully booked</span>' in client.get("/events/full").text
    event = make_event(db, now, slug="few", capacity=8)
    assert event.id is not None
    for number in range(6):
        register(db, now, notifier, event.id, f"guest{number}@example.org")
    assert '<span class="state state-few">2 seats left</span>' in client.get("/events/few").text
