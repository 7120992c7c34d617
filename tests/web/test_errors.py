"""404 and 500 pages in the site's design; tracebacks only in development; /healthz."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient

from events_app.app import create_app
from events_app.clock import FrozenClock
from events_app.db import Database
from tests.support.settings import make_settings


def boom(_request: Request) -> Response:
    raise RuntimeError("secret internals")


def app_with_a_broken_route(database_url: str, db: Database, clock: FrozenClock, env: str):  # type: ignore[no-untyped-def]
    app = create_app(make_settings(database_url, env=env), clock=clock, database=db)
    app.router.routes.insert(0, Route("/boom", boom))
    return app


def test_404_page_is_in_the_site_design(client: TestClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert 'class="site-header"' in response.text


def test_500_page_hides_the_traceback_outside_development(
    database_url: str, db: Database, clock: FrozenClock
) -> None:
    for env in ("production", "test"):
        app = app_with_a_broken_route(database_url, db, clock, env)
        with TestClient(app, raise_server_exceptions=False) as client:
            response = client.get("/boom")
        assert response.status_code == 500
        assert "Something went wrong" in response.text
        assert "secret internals" not in response.text
        assert "Traceback" not in response.text
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "default-src 'self'" in response.headers["content-security-policy"]


def test_500_shows_the_traceback_in_development(
    database_url: str, db: Database, clock: FrozenClock
) -> None:
    app = app_with_a_broken_route(database_url, db, clock, "development")
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom")
    assert response.status_code == 500
    assert "secret internals" in response.text


def test_healthz_answers_200_when_the_database_answers(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert response.headers["cache-control"] == "no-store"


def test_healthz_answers_503_when_the_database_does_not(clock: FrozenClock) -> None:
    unreachable = "postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=1"
    app = create_app(make_settings(unreachable), clock=clock)
    with TestClient(app) as client:
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
