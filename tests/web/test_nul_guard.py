"""A NUL in a URL's path (a slug, a token) is a 404 on every route, never a 500: on
PostgreSQL a NUL in any query parameter fails the query. A NUL in an online link is a field
error (see tests/transfer/test_hostile_records.py and the event form)."""

from __future__ import annotations

from datetime import datetime

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from events_app.db import Database
from tests.admin.event_helpers import post_event_form
from tests.admin.test_event_views import new_form
from tests.admin.web_helpers import sign_in
from tests.factories import make_event, make_user
from tests.registration.web_helpers import csrf_from

PUBLIC = [
    "/events/a%00b",
    "/events/a%00b.ics",
    "/events/a%00b/share",
    "/events/a%00b/registered",
    "/articles/a%00b",
    "/articles/a%00b/events.ics",
    "/categories/a%00b",
    "/categories/a%00b.ics",
    "/api/v1/events/a%00b",
    "/api/v1/articles/a%00b",
    "/r/aaaaaaaaaaaaaaa%00aaaaaaaaaaaaaaaa",
    "/r/aaaaaaaaaaaaaaa%00aaaaaaaaaaaaaaaa/calendar.ics",
]
ADMIN = [
    "/admin/events/a%00b",
    "/admin/events/a%00b/registrations",
    "/admin/articles/a%00b",
]


@pytest.fixture
def client(app: Starlette) -> TestClient:
    return TestClient(app, base_url="https://testserver", raise_server_exceptions=False)


def test_a_nul_in_any_url_is_not_found(client: TestClient, db: Database, now: datetime) -> None:
    make_event(db, now, slug="talk")
    missing = client.get("/no-such-page")
    answers = {path: client.get(path) for path in PUBLIC}
    sign_in(client, make_user(db, now))
    answers |= {path: client.get(path) for path in ADMIN}
    assert {path: r.status_code for path, r in answers.items()} == dict.fromkeys(answers, 404)
    assert answers["/events/a%00b"].text == missing.text
    assert client.get("/events/talk").status_code == 200
    # In a search or a filter a NUL is no error: the page answers, as for any odd term.
    for path in ("/events?q=a%00b", "/api/v1/events?q=a%00b", "/admin/events?q=a%00b"):
        assert client.get(path).status_code == 200, path


def test_a_nul_in_a_posted_slug_is_not_found(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="talk")
    response = client.post("/events/a%00b/register", data={"name": "x"})
    assert response.status_code == 404


def test_a_nul_in_an_online_link_is_a_field_error(
    client: TestClient, db: Database, now: datetime
) -> None:
    sign_in(client, make_user(db, now, role="editor"))
    form = new_form(slug="open-labs", online_url="https://meet.example.org/a\x00b")
    response = post_event_form(client, "/admin/events/new", form, action="save")
    assert response.status_code == 400
    assert 'id="ev-online-url-error">Please use plain text' in response.text


def test_a_nul_in_a_sign_in_address_is_a_wrong_password(client: TestClient) -> None:
    page = "/admin/login"
    fields = {"csrf_token": csrf_from(client, page), "email": "a\x00@example.org"}
    response = client.post(page, data=fields | {"password": "x"}, follow_redirects=False)
    assert response.status_code == 400
