"""Public pages come with strong ETags; an unchanged page is served from memory, and a
matching conditional request gets 304 without rendering."""

from __future__ import annotations

from datetime import datetime, timedelta

from starlette.testclient import TestClient

from events_app.clock import FrozenClock
from events_app.db import Database
from events_app.web.conditional import etag_matches
from events_app.web.page_cache import PageCache
from tests.factories import make_event
from tests.query_counter import count_queries
from tests.support.settings import make_settings


def test_repeat_request_is_served_from_the_cache_and_conditional_gets_304(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    make_event(db, clock.now(), title="Cached talk")
    first = client.get("/events")
    etag = first.headers["etag"]
    assert etag.startswith('"')
    assert first.headers["cache-control"] == "public, no-cache"
    with count_queries(db.engine) as statements:
        again = client.get("/events")
        conditional = client.get("/events", headers={"if-none-match": etag})
    assert again.text == first.text
    assert again.headers["etag"] == etag
    assert conditional.status_code == 304
    assert conditional.content == b""
    assert conditional.headers["etag"] == etag
    # Nothing was rendered: no query on the main pool (the content-version check runs on a
    # pool of its own, Database.probe).
    assert statements == []
    assert client.get("/events", headers={"if-none-match": f'"x", W/{etag}'}).status_code == 304


def test_a_change_is_visible_at_once_and_changes_the_etag(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    now = clock.now()
    make_event(db, now, title="First talk")
    before = client.get("/events")
    make_event(db, now, title="Second talk")
    after = client.get("/events", headers={"if-none-match": before.headers["etag"]})
    assert after.status_code == 200
    assert "Second talk" in after.text
    assert after.headers["etag"] != before.headers["etag"]


def test_a_cached_page_expires_when_an_event_ends(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    now = clock.now()
    make_event(db, now, title="Short talk", starts_at=now + timedelta(hours=1))
    assert "Short talk" in client.get("/events").text
    clock.advance(timedelta(hours=3, seconds=1))
    assert "Short talk" not in client.get("/events").text


def test_without_the_page_cache_pages_still_get_etags_and_304(
    database_url: str, db: Database, clock: FrozenClock
) -> None:
    from events_app.app import create_app

    app = create_app(make_settings(database_url, page_cache=False), clock=clock, database=db)
    with TestClient(app) as client:
        first = client.get("/")
        assert client.get("/", headers={"if-none-match": first.headers["etag"]}).status_code == 304


def test_head_requests_and_error_pages(client: TestClient) -> None:
    head = client.head("/events")
    assert head.status_code == 200
    assert head.content == b""
    assert int(head.headers["content-length"]) == len(client.get("/events").content)
    missing = client.get("/events/nope")
    assert missing.status_code == 404
    assert "etag" not in missing.headers
    assert missing.headers["cache-control"] == "no-store"


def test_another_process_change_shows_within_the_check_interval(
    db: Database, now: datetime
) -> None:
    ticks = [0.0]
    cache = PageCache(
        db=db,
        clock=FrozenClock(now),
        enabled=True,
        check_seconds=1.0,
        monotonic=lambda: ticks[0],
    )
    from concurrent.futures import ThreadPoolExecutor

    import anyio

    from events_app.content import mark_content_changed

    def version() -> int:
        # On a thread of its own: Playwright's sync API may hold this thread's event loop.
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(anyio.run, cache.current_version).result()

    first = version()
    with db.write() as session:  # as if another process wrote
        mark_content_changed(session=session)
    ticks[0] = 0.5
    assert version() == first
    ticks[0] = 1.0
    assert version() == first + 1


def test_etag_matching_rules() -> None:
    assert etag_matches('"a"', '"a"')
    assert etag_matches('W/"a"', '"a"')
    assert etag_matches('"b", "a"', '"a"')
    assert etag_matches("*", '"a"')
    assert not etag_matches('"b"', '"a"')
    assert not etag_matches("", '"a"')


def test_cached_pages_expire_when_the_clock_steps_back_past_a_publish_at(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    """An embargoed event must leave the cached listing, feed and API when the clock steps
    back before its go-live moment (validity holds in both directions)."""
    now = clock.now()
    make_event(db, now, slug="embargoed", title="Embargoed talk", publish_at=now)
    clock.advance(timedelta(minutes=5))
    paths = ["/events", "/events.ics", "/api/v1/events"]
    for path in paths:
        assert "Embargoed talk" in client.get(path).text
    clock.set(now - timedelta(hours=1))
    for path in paths:
        assert "Embargoed talk" not in client.get(path).text, path
    assert client.get("/api/v1/events/embargoed").status_code == 404
