"""Security headers on every response; only configured hosts; links from EVENTS_BASE_URL."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from events_app.app import create_app
from events_app.clock import FrozenClock
from events_app.db import Database
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
