"""Errors under /api are problem details, whatever raised them; answers to GET are cached by
the page cache, with strong ETags and 304s, and change as soon as the content does."""

from __future__ import annotations

from datetime import datetime, timedelta

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient

from events_app.app import create_app
from events_app.clock import FrozenClock
from events_app.db import Database
from tests.api.helpers import problem
from tests.factories import edit_event, make_event
from tests.query_counter import count_queries
from tests.support.settings import make_settings


def test_unknown_addresses_and_methods(client: TestClient) -> None:
    assert problem(client.get("/api/v1/nothing"), 404)["title"] == "Not Found"
    assert problem(client.get("/api/v2/events"), 404)["type"] == "about:blank"
    refused = client.delete("/api/v1/events")
    assert problem(refused, 405)["title"] == "Method Not Allowed"
    assert set(refused.headers["allow"].split(", ")) == {"GET", "HEAD"}
    assert client.get("/api/v1/events/x/registrations").headers["allow"] == "POST"
    # Outside /api, the site's own pages still answer.
    assert "Page not found" in client.get("/nothing").text


def test_an_unexpected_error_is_a_problem_without_internals(
    database_url: str, db: Database, clock: FrozenClock
) -> None:
    def boom(_request: Request) -> Response:
        raise RuntimeError("secret internals")

    app = create_app(make_settings(database_url), clock=clock, database=db)
    app.router.routes.insert(0, Route("/api/v1/boom", boom))
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/v1/boom")
    body = problem(response, 500)
    assert "secret internals" not in response.text
    assert body["title"] == "Internal Server Error"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_answers_are_cached_with_etags_and_304s(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    now = clock.now()
    make_event(db, now, slug="talk", title="First title")
    first = client.get("/api/v1/events/talk")
    etag = first.headers["etag"]
    with count_queries(db.engine) as statements:
        again = client.get("/api/v1/events/talk")
        unchanged = client.get("/api/v1/events/talk", headers={"if-none-match": etag})
    assert statements == []  # both answered from memory (the version check has its own pool)
    assert again.content == first.content
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged.headers["etag"] == etag
    head = client.head("/api/v1/events")
    assert (head.status_code, head.content) == (200, b"")
    # A change shows at once, with a new validator.
    edit_event(db, now, "talk", title="Second title")
    changed = client.get("/api/v1/events/talk", headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed.json()["title"] == "Second title"
    # And so does time: the event ends, the listing drops it.
    assert client.get("/api/v1/events").json()["count"] == 1
    clock.advance(timedelta(days=8))
    assert client.get("/api/v1/events").json()["count"] == 0


def test_answers_carry_no_cookie_and_errors_are_not_cached(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="talk")
    for path in ("/api/v1/events", "/api/v1/events/talk", "/api/v1/categories", "/api/docs"):
        response = client.get(path)
        assert "set-cookie" not in response.headers, path
        assert response.headers["cache-control"] == "public, no-cache", path
    missing = client.get("/api/v1/events/missing")
    assert "etag" not in missing.headers
    assert missing.headers["cache-control"] == "no-store"
