"""The feeds over HTTP as a calendar app polls them: media type, validators, 304s, and the
attendee's own feed."""

from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime, parsedate_to_datetime

import icalendar
import pytest
from starlette.testclient import TestClient

from events_app.app import create_app
from events_app.clock import FrozenClock
from events_app.db import Database
from events_app.registration.notify import Notifier
from tests.factories import edit_event, make_article, make_event
from tests.registration.helpers import confirm, register
from tests.support.settings import make_settings


def uids(body: bytes) -> list[str]:
    return [str(vevent["UID"]) for vevent in icalendar.Calendar.from_ical(body).events]


def test_the_site_feed_is_a_calendar_with_validators(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    event = make_event(db, clock.now(), slug="talk")

    response = client.get("/events.ics")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["cache-control"] == "public, max-age=300"
    assert response.headers["content-disposition"] == 'inline; filename="events.ics"'
    assert response.headers["etag"].startswith('"')
    assert parsedate_to_datetime(response.headers["last-modified"]) == clock.now().replace(
        microsecond=0
    )
    assert uids(response.content) == [event.uid]


@pytest.mark.parametrize("page_cache", [True, False])
def test_conditional_requests_get_304_with_no_body(
    database_url: str, db: Database, clock: FrozenClock, page_cache: bool
) -> None:
    make_event(db, clock.now(), slug="talk")
    app = create_app(make_settings(database_url, page_cache=page_cache), clock=clock, database=db)
    with TestClient(app) as client:
        first = client.get("/events.ics")
        etag, last_modified = first.headers["etag"], first.headers["last-modified"]
        later = format_datetime(clock.now() + timedelta(hours=1), usegmt=True)

        by_etag = client.get("/events.ics", headers={"if-none-match": etag})
        by_date = client.get("/events.ics", headers={"if-modified-since": last_modified})
        # If-None-Match wins: a stale ETag with a fresh date gets the feed.
        both = client.get(
            "/events.ics", headers={"if-none-match": '"stale"', "if-modified-since": later}
        )

    assert (by_etag.status_code, by_etag.content) == (304, b"")
    assert by_etag.headers["etag"] == etag
    assert by_etag.headers["last-modified"] == last_modified
    assert (by_date.status_code, by_date.content) == (304, b"")
    assert both.status_code == 200
    assert both.content == first.content


def test_a_changed_event_changes_the_etag_and_the_body(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    make_event(db, clock.now(), slug="talk")
    before = client.get("/events.ics")
    clock.advance(timedelta(minutes=5))
    edit_event(db, clock.now(), "talk", venue="The new hall")

    after = client.get(
        "/events.ics",
        headers={
            "if-none-match": before.headers["etag"],
            "if-modified-since": before.headers["last-modified"],
        },
    )

    assert after.status_code == 200
    assert after.headers["etag"] != before.headers["etag"]
    assert b"The new hall" in after.content
    assert parsedate_to_datetime(after.headers["last-modified"]) == clock.now().replace(
        microsecond=0
    )


def test_category_article_and_event_files(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    now = clock.now()
    make_article(db, now, slug="fusion")
    event = make_event(db, now, slug="plasma", categories=["Physics"], articles=["fusion"])
    make_event(db, now, slug="hidden", status="draft")

    assert uids(client.get("/categories/physics.ics").content) == [event.uid]
    assert uids(client.get("/articles/fusion/events.ics").content) == [event.uid]
    download = client.get("/events/plasma.ics")
    assert download.headers["content-disposition"] == 'attachment; filename="plasma.ics"'
    assert uids(download.content) == [event.uid]
    for missing in (
        "/categories/nope.ics",
        "/articles/nope/events.ics",
        "/events/hidden.ics",
        "/events/nope.ics",
    ):
        assert client.get(missing).status_code == 404, missing


def test_the_attendees_own_feed_has_online_links_and_marks_the_waitlist(
    client: TestClient, db: Database, clock: FrozenClock, notifier: Notifier
) -> None:
    now = clock.now()
    seat = make_event(
        db, now, slug="seat", online_url="https://meet.example.org/seat-room", format="hybrid"
    )
    full = make_event(db, now, slug="full", capacity=0)
    other = make_event(db, now, slug="other")
    _, token = register(db, now, notifier, seat.id, "ada@example.org")
    confirm(db, now, notifier, token)
    _, waiting = register(db, now, notifier, full.id, "Ada@Example.org")
    confirm(db, now, notifier, waiting)
    register(db, now, notifier, other.id, "someone-else@example.org")

    response = client.get(f"/r/{token}/calendar.ics")

    assert response.status_code == 200
    assert response.headers["cache-control"] == "private, no-cache"
    assert response.headers["referrer-policy"] == "no-referrer"
    calendar = icalendar.Calendar.from_ical(response.content)
    status = {str(v["UID"]): str(v["STATUS"]) for v in calendar.events}
    assert status == {seat.uid: "CONFIRMED", full.uid: "TENTATIVE"}
    assert b"seat-room" in response.content.replace(b"\r\n ", b"")
    assert b"seat-room" not in client.get("/events.ics").content.replace(b"\r\n ", b"")
    revalidated = client.get(
        f"/r/{token}/calendar.ics", headers={"if-none-match": response.headers["etag"]}
    )
    assert revalidated.status_code == 304
    assert client.get("/r/not-a-token/calendar.ics").status_code == 404


def test_the_event_page_offers_add_to_calendar(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    make_event(db, clock.now(), slug="talk", categories=["Physics"])

    page = client.get("/events/talk").text

    assert 'href="/events/talk.ics"' in page
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in page
    assert "https://outlook.live.com/calendar/0/deeplink/compose?" in page
    assert "https://outlook.office.com/calendar/0/deeplink/compose?" in page
    assert 'href="webcal://events.example.org/events.ics"' in page
    assert 'href="webcal://events.example.org/categories/physics.ics"' in page


def test_the_calendars_page_lists_every_feed(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    make_event(db, clock.now(), categories=["Physics", "Biology"])

    page = client.get("/calendars")

    assert page.status_code == 200
    for path in ("/events.ics", "/categories/physics.ics", "/categories/biology.ics"):
        assert f"webcal://events.example.org{path}" in page.text
    for app_name in ("Google Calendar", "Outlook", "Apple Calendar", "Thunderbird"):
        assert app_name in page.text


def test_a_cached_feed_lets_an_event_go_when_its_30_days_are_over(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    now = clock.now()
    past = make_event(db, now, slug="past", starts_at=now - timedelta(days=29, hours=3))
    first = client.get("/events.ics")
    assert uids(first.content) == [past.uid]
    assert (
        client.get("/events.ics", headers={"if-none-match": first.headers["etag"]}).status_code
        == 304
    )

    clock.advance(timedelta(days=1))

    later = client.get("/events.ics", headers={"if-none-match": first.headers["etag"]})
    assert later.status_code == 200
    assert uids(later.content) == []
    # The feed changed at the moment the event left it: a date-only poller sees that too.
    assert parsedate_to_datetime(later.headers["last-modified"]) > parsedate_to_datetime(
        first.headers["last-modified"]
    )
