"""Event pages with open registration are cached like every other public page, and the seats
they show stay right (issue 11): a seat change made here shows at once, one made by another
process at the next check, one made by the clock (a hold lapsing) too, and a burst of
registrations on one event leaves the cached pages of every other event alone."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from events_app.app import create_app
from events_app.clock import FrozenClock
from events_app.config import Settings
from events_app.content import content_version
from events_app.db import Database
from events_app.registration.notify import Notifier
from tests.factories import make_event
from tests.query_counter import count_queries
from tests.registration.helpers import HOLD, register
from tests.registration.web_helpers import register_form

DEPENDS_ON = "x-events-page-depends-on"


def is_hit(client: TestClient, db: Database, path: str) -> bool:
    """Answered from the page cache: the view's own queries never ran."""
    with count_queries(db.engine) as statements:
        assert client.get(path).status_code == 200
    return statements == []


@pytest.fixture
def other_app(settings: Settings, clock: FrozenClock, db: Database) -> Starlette:
    """A second process on the same database: a cache of its own."""
    return create_app(settings, clock=clock, database=db)


def test_the_event_page_is_public_cached_and_the_same_bytes_for_everyone(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="talk", capacity=5)
    first = client.get("/events/talk")
    assert first.headers["cache-control"] == "public, no-cache"
    assert "set-cookie" not in first.headers
    assert DEPENDS_ON not in first.headers
    assert is_hit(client, db, "/events/talk")
    client.cookies.set("someone", "else")  # another visitor
    second = client.get("/events/talk")
    assert second.content == first.content
    assert second.headers["etag"] == first.headers["etag"]
    assert (
        client.get("/events/talk", headers={"if-none-match": first.headers["etag"]}).status_code
        == 304
    )


def test_a_registration_here_shows_at_once_and_changes_the_etag(
    settings: Settings, clock: FrozenClock, db: Database, now: datetime
) -> None:
    """Even when this process would not ask the database again for an hour."""
    hourly = settings.model_copy(update={"page_cache_check_seconds": 3600})
    with TestClient(create_app(hourly, clock=clock, database=db)) as client:
        _registration_shows_at_once(client, db, now)


def _registration_shows_at_once(client: TestClient, db: Database, now: datetime) -> None:
    make_event(db, now, slug="talk", capacity=5)
    before = client.get("/events/talk")
    assert "5 seats left" in before.text
    assert register_form(client, "talk").status_code == 303
    after = client.get("/events/talk")
    assert "4 seats left" in after.text
    assert after.headers["etag"] != before.headers["etag"]
    api = client.get("/api/v1/events/talk").json()
    assert api["registration"]["seats_left"] == 4


def test_registrations_on_one_event_keep_the_other_events_pages_cached(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="busy", capacity=50)
    make_event(db, now, slug="quiet", capacity=50)
    for path in ("/events/quiet", "/api/v1/events/quiet", "/events", "/"):
        client.get(path)
    version = _content_version(db)
    for number in range(3):
        response = register_form(client, "busy", email=f"p{number}@example.org")
        assert response.status_code == 303
    assert _content_version(db) == version  # no shared row is written
    for path in ("/events/quiet", "/api/v1/events/quiet", "/events", "/"):
        assert is_hit(client, db, path), path
    assert "47 seats left" in client.get("/events/busy").text


def test_another_process_registration_shows_at_its_next_check(
    client: TestClient,
    other_app: Starlette,
    db: Database,
    now: datetime,
    notifier: Notifier,
) -> None:
    """The settings check on every request (EVENTS_PAGE_CACHE_CHECK_SECONDS=0); how the
    interval bounds it is tests/web/test_page_dependencies.py."""
    busy = make_event(db, now, slug="busy", capacity=5)
    make_event(db, now, slug="quiet", capacity=5)
    with TestClient(other_app) as other:
        for path in ("/events/busy", "/events/quiet", "/api/v1/events/busy"):
            other.get(path)
        assert busy.id is not None
        register(db, now, notifier, busy.id, "ada@example.org")  # written elsewhere
        assert "4 seats left" in other.get("/events/busy").text
        assert other.get("/api/v1/events/busy").json()["registration"]["seats_left"] == 4
        assert is_hit(other, db, "/events/quiet")
        assert is_hit(other, db, "/events/busy")  # rendered again once, then held


def test_a_lapsing_hold_gives_the_seat_back_on_the_cached_page(
    client: TestClient, db: Database, now: datetime, clock: FrozenClock
) -> None:
    """No write at all: the hold's time runs out, and the next check sees the seats move."""
    make_event(db, now, slug="talk", capacity=1)
    register_form(client, "talk")
    assert "Fully booked, 1 seat held" in client.get("/events/talk").text
    clock.advance(HOLD + timedelta(seconds=1))
    assert "1 seat left" in client.get("/events/talk").text


def test_the_page_changes_when_registration_opens_and_closes(
    client: TestClient, db: Database, now: datetime, clock: FrozenClock
) -> None:
    make_event(
        db,
        now,
        slug="talk",
        capacity=5,
        registration_opens_at=now + timedelta(hours=1),
        registration_closes_at=now + timedelta(hours=2),
    )
    assert ">Register</button>" not in client.get("/events/talk").text
    assert is_hit(client, db, "/events/talk")
    clock.advance(timedelta(hours=1))
    assert ">Register</button>" in client.get("/events/talk").text
    clock.advance(timedelta(hours=1))
    assert ">Register</button>" not in client.get("/events/talk").text


def _content_version(db: Database) -> int:
    with db.read() as session:
        return content_version(session=session)


def test_after_a_registration_here_the_page_is_rendered_again_before_anyone_asks(
    settings: Settings, clock: FrozenClock, db: Database, now: datetime
) -> None:
    """The first reader after each registration gets the page from memory, with the seats
    the registration left (bench/deployed.py measures that first request)."""
    hourly = settings.model_copy(update={"page_cache_check_seconds": 3600})
    app = create_app(hourly, clock=clock, database=db)
    cache = app.state.context.page_cache
    with TestClient(app) as client:
        make_event(db, now, slug="talk", capacity=5)
        client.get("/events/talk")
        assert register_form(client, "talk").status_code == 303
        for _ in range(200):  # the rendering runs beside the request that wrote
            if cache.holds(b"/events/talk?"):
                break
            time.sleep(0.01)
        assert cache.holds(b"/events/talk?")
        with count_queries(db.engine) as statements:
            page = client.get("/events/talk")
        assert statements == []
        assert "4 seats left" in page.text
