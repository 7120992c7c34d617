"""While PostgreSQL is silent (accepts, never answers) or down, the site still answers what it
can: /healthz says 503, static files and cached pages are served (stale, within a bound), and
what needs the database answers 503 with Retry-After, not 500 and not never."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import anyio.to_thread
import pytest
from starlette.testclient import TestClient

from events_app.clock import FrozenClock
from events_app.db import Database
from tests.factories import make_event
from tests.faults.proxy import FaultProxy, Mode
from tests.web.conftest import ProxiedApp

POSTGRES = pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
# A liveness bound, not a speed measure: on old code these requests never answer.
ANSWERS_WITHIN = 10.0


def answer(call: Callable[[], Any]) -> Any:
    """`call()`, which must return while the database hangs (else the test fails, not hangs)."""
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(call()), daemon=True)
    thread.start()
    thread.join(ANSWERS_WITHIN)
    assert result, "no answer while the database hangs"
    return result[0]


@contextmanager
def hanging_requests(client: TestClient, proxy: FaultProxy, paths: list[str]) -> Iterator[None]:
    """Requests that wait on the silent database, each holding a worker thread; cutting the
    proxy's connections at the end releases them (they answer 503)."""
    threads = [threading.Thread(target=client.get, args=(path,), daemon=True) for path in paths]
    for thread in threads:
        thread.start()
    try:
        yield
    finally:
        proxy.set_mode(Mode.REFUSE)
        for thread in threads:
            thread.join(ANSWERS_WITHIN)


def _thread_pool(client: TestClient, size: int) -> Callable[[], int]:
    """Shrink the app's thread pool to `size`; returns how many threads are taken now."""

    def shrink() -> None:
        anyio.to_thread.current_default_thread_limiter().total_tokens = size

    assert client.portal is not None
    client.portal.call(shrink)
    return lambda: int(
        client.portal.call(lambda: anyio.to_thread.current_default_thread_limiter().borrowed_tokens)  # type: ignore[union-attr]
    )


@POSTGRES
def test_a_silent_database_leaves_healthz_static_files_and_cached_pages_answering(
    proxied_app: ProxiedApp, pg_proxy: FaultProxy, db: Database, clock: FrozenClock
) -> None:
    events = [make_event(db, clock.now(), title=f"Talk {n}") for n in range(3)]
    app = proxied_app(database_connect_timeout_seconds=60)
    with TestClient(app, raise_server_exceptions=False) as client:
        cached = client.get("/events")
        assert client.get("/healthz").status_code == 200
        taken = _thread_pool(client, 2)
        pg_proxy.set_mode(Mode.SILENT)
        with hanging_requests(client, pg_proxy, [f"/events/{event.slug}" for event in events]):
            while taken() < 2:  # every worker thread waits on the database
                threading.Event().wait(0.05)
            health = answer(lambda: client.get("/healthz"))
            assert health.status_code == 503
            assert health.json() == {"status": "unavailable", "database": "down"}
            assert answer(lambda: client.get("/static/css/site.css")).status_code == 200
            again = answer(lambda: client.get("/events"))
            assert again.status_code == 200
            assert again.text == cached.text


@POSTGRES
def test_a_database_outage_serves_cached_pages_stale_and_503_for_the_rest(
    proxied_app: ProxiedApp, pg_proxy: FaultProxy, db: Database, clock: FrozenClock
) -> None:
    first, second = make_event(db, clock.now()), make_event(db, clock.now())
    app = proxied_app(page_cache_stale_seconds=300)
    with TestClient(app, raise_server_exceptions=False) as client:
        listing = client.get("/events")
        page = client.get(f"/api/v1/events/{first.slug}")
        pg_proxy.set_mode(Mode.REFUSE)
        assert client.get("/events").text == listing.text
        stale = client.get(
            f"/api/v1/events/{first.slug}", headers={"if-none-match": page.headers["etag"]}
        )
        assert stale.status_code == 304
        missing = client.get(f"/events/{second.slug}")
        assert missing.status_code == 503
        assert int(missing.headers["retry-after"]) > 0
        # The page cache's own answer, with what the layers inside it add to every page.
        assert "default-src 'self'" in missing.headers["content-security-policy"]
        api = client.get(f"/api/v1/events/{second.slug}")
        assert api.status_code == 503
        assert api.headers["content-type"] == "application/problem+json"


@POSTGRES
def test_stale_pages_are_served_only_within_the_bound(
    proxied_app: ProxiedApp, pg_proxy: FaultProxy, db: Database, clock: FrozenClock
) -> None:
    make_event(db, clock.now())
    app = proxied_app(page_cache_stale_seconds=0)
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/events").status_code == 200
        pg_proxy.set_mode(Mode.REFUSE)
        refused = client.get("/events")
        assert refused.status_code == 503
        assert int(refused.headers["retry-after"]) > 0
        pg_proxy.set_mode(Mode.PASS)
        assert client.get("/events").status_code == 200


@POSTGRES
def test_a_request_on_a_silent_database_ends_with_503_after_the_statement_timeout(
    proxied_app: ProxiedApp, pg_proxy: FaultProxy, db: Database, clock: FrozenClock
) -> None:
    """The server never cancels a statement it never sees: the client's own deadline does."""
    event = make_event(db, clock.now())
    app = proxied_app(
        page_cache=False,
        database_statement_timeout_seconds=0.5,
        database_connect_timeout_seconds=2,
    )
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get(f"/events/{event.slug}").status_code == 200
        pg_proxy.set_mode(Mode.SILENT)
        try:
            silent = answer(lambda: client.get(f"/events/{event.slug}"))
        finally:
            pg_proxy.set_mode(Mode.REFUSE)  # on failure, releases the request still waiting
        assert silent.status_code == 503
        assert int(silent.headers["retry-after"]) > 0
        pg_proxy.set_mode(Mode.PASS)
        assert client.get(f"/events/{event.slug}").status_code == 200
