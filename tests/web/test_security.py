"""Security headers on every response; only configured hosts; links from EVENTS_BASE_URL."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from events_app.app import create_app
from events_app.clock import FrozenClock
from events_app.db import Database
from tests.factories import make_event
from tests.query_counter import count_queries
from tests.support.settings import make_settings


@pytest.mark.parametrize("path", ["/", "/events", "/nope", "/static/css/site.css", "/healthz"])
def test_every_response_carries_the_security_headers(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    csp = headers["content-security-policy"]
    for directive in (
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_hsts_only_when_served_over_https(
    database_url: str, db: Database, clock: FrozenClock
) -> None:
    with TestClient(create_app(make_settings(database_url), clock=clock, database=db)) as c:
        assert "max-age" in c.get("/").headers["strict-transport-security"]
    plain = make_settings(database_url, base_url="http://127.0.0.1:8000")
    with TestClient(create_app(plain, clock=clock, database=db)) as c:
        assert "strict-transport-security" not in c.get("/").headers


def test_hsts_covers_subdomains_only_when_asked(
    database_url: str, db: Database, clock: FrozenClock
) -> None:
    with TestClient(create_app(make_settings(database_url), clock=clock, database=db)) as c:
        assert "includesubdomains" not in c.get("/").headers["strict-transport-security"].lower()
    wide = make_settings(database_url, hsts_include_subdomains=True)
    with TestClient(create_app(wide, clock=clock, database=db)) as c:
        hsts = c.get("/").headers["strict-transport-security"]
    assert hsts == "max-age=31536000; includeSubDomains"


def test_unknown_hosts_are_refused(client: TestClient) -> None:
    response = client.get("/", headers={"host": "evil.example.com"})
    assert response.status_code == 400


def test_links_come_from_the_base_url_not_the_host_header(
    database_url: str, db: Database, clock: FrozenClock
) -> None:
    settings = make_settings(database_url, allowed_hosts=["testserver", "alias.example.org"])
    with TestClient(create_app(settings, clock=clock, database=db)) as client:
        page = client.get("/articles/nope", headers={"host": "alias.example.org"})
        assert "alias.example.org" not in page.text


def test_pages_have_no_inline_script_and_no_third_party_assets(client: TestClient) -> None:
    for path in ("/", "/events", "/events/calendar/2026/12", "/articles"):
        page = client.get(path).text
        assert "<script>" not in page
        assert " on" + "click=" not in page
        assert "http://" not in page.replace("http://www.w3.org", "")
        assert "//cdn" not in page


def test_a_page_cache_hit_and_its_304_carry_the_security_headers_once(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    make_event(db, clock.now(), title="Cached talk")
    first = client.get("/events")
    with count_queries(db.engine) as statements:
        hit = client.get("/events")
        not_modified = client.get("/events", headers={"if-none-match": first.headers["etag"]})
    assert statements == []  # both answered from the page cache
    assert (hit.status_code, not_modified.status_code) == (200, 304)
    for response in (hit, not_modified):
        for name in ("content-security-policy", "x-content-type-options", "referrer-policy"):
            assert response.headers.get_list(name) == first.headers.get_list(name), name
            assert len(response.headers.get_list(name)) == 1, name


def test_a_cached_page_is_refused_to_an_unknown_host(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    make_event(db, clock.now(), title="Cached talk")
    assert client.get("/events").status_code == 200
    assert client.get("/events").status_code == 200  # now held by the page cache
    refused = client.get("/events", headers={"host": "evil.example.com"})
    assert refused.status_code == 400
    assert "Cached talk" not in refused.text
