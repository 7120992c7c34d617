"""CORS on /api: pages anywhere may read it; none may post registrations from a browser
unless configured; answers that depend on the Origin say so with Vary."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.testclient import TestClient

from events_app.clock import FrozenClock
from events_app.db import Database
from tests.api.helpers import api_client
from tests.factories import make_event

READER = "https://reader.example.net"
PARTNER = "https://partner.example.com"
REGISTRATION = {"name": "Ada", "email": "ada@example.org", "consent": True}


def preflight(client: TestClient, path: str, method: str, origin: str, headers: str = "") -> Any:
    request_headers = {"origin": origin, "access-control-request-method": method}
    if headers:
        request_headers["access-control-request-headers"] = headers
    return client.options(path, headers=request_headers)


def test_any_origin_may_read_by_default_and_the_answer_does_not_vary(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="talk")
    for path in ("/api/v1/events", "/api/v1/events/talk", "/api/v1/categories", "/api/v1/nope"):
        response = client.get(path, headers={"origin": READER})
        assert response.headers["access-control-allow-origin"] == "*", path
        assert "Link" in response.headers["access-control-expose-headers"]
        assert "vary" not in response.headers
    # The same answer, from the page cache, without an Origin.
    assert client.get("/api/v1/events").headers["access-control-allow-origin"] == "*"
    allowed = preflight(client, "/api/v1/events", "GET", READER, "If-None-Match")
    assert allowed.status_code == 204
    assert allowed.headers["access-control-allow-methods"] == "GET, HEAD"
    assert allowed.headers["access-control-allow-headers"] == "if-none-match"


def test_posting_from_another_origin_is_refused_unless_configured(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="talk")
    path = "/api/v1/events/talk/registrations"
    refused = preflight(client, path, "POST", PARTNER, "content-type")
    assert refused.status_code == 403
    assert "access-control-allow-origin" not in refused.headers
    # A program (no browser, no preflight) may post; a browser would not be let read it.
    posted = client.post(path, json=REGISTRATION, headers={"origin": PARTNER})
    assert posted.status_code == 202
    assert "access-control-allow-origin" not in posted.headers
    # Other methods than GET, HEAD and POST are never allowed.
    assert preflight(client, path, "DELETE", READER).status_code == 403


def test_configured_origins(database_url: str, db: Database, clock: FrozenClock) -> None:
    make_event(db, clock.now(), slug="talk")
    origins = {"api_cors_origins": [READER, PARTNER], "api_cors_post_origins": [PARTNER]}
    with api_client(database_url, db, clock, **origins) as client:
        reader = client.get("/api/v1/events", headers={"origin": READER})
        partner = client.get("/api/v1/events", headers={"origin": PARTNER})
        stranger = client.get("/api/v1/events", headers={"origin": "https://evil.example"})
        path = "/api/v1/events/talk/registrations"
        partner_preflight = preflight(client, path, "POST", PARTNER, "content-type")
        reader_preflight = preflight(client, path, "POST", READER, "content-type")
        posted = client.post(path, json=REGISTRATION, headers={"origin": PARTNER})
    # One cached answer, and the allowed origin added to each on the way out.
    assert reader.headers["etag"] == partner.headers["etag"] == stranger.headers["etag"]
    assert reader.headers["access-control-allow-origin"] == READER
    assert partner.headers["access-control-allow-origin"] == PARTNER
    assert "access-control-allow-origin" not in stranger.headers
    for response in (reader, partner, stranger):
        assert response.headers["vary"] == "Origin"
    assert partner_preflight.status_code == 204
    assert partner_preflight.headers["access-control-allow-origin"] == PARTNER
    assert partner_preflight.headers["access-control-allow-methods"] == "POST"
    assert reader_preflight.status_code == 403
    assert posted.headers["access-control-allow-origin"] == PARTNER


def test_the_site_itself_gets_no_cors_headers(client: TestClient) -> None:
    for path in ("/events", "/events.ics", "/healthz"):
        response = client.get(path, headers={"origin": READER})
        assert "access-control-allow-origin" not in response.headers, path
