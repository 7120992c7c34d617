"""Double-submit CSRF: the cookie, the hidden field, and every POST route refusing without."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from events_app.admin.sessions import COOKIE_NAME as SESSION_COOKIE
from events_app.db import Database
from events_app.models import Registration, User
from events_app.web.csrf import COOKIE_NAME, new_token
from tests.admin.web_helpers import sign_in
from tests.factories import DEFAULT_PASSWORD, make_event, make_user
from tests.registration.helpers import outbox
from tests.registration.web_helpers import (
    CSRF_FIELD,
    last_token,
    post_with_csrf,
    register_form,
)
from tests.support.audit import audit_entries
from tests.support.http import https_client_fixture  # noqa: F401 (`client`, over HTTPS)
from tests.support.routes import concrete, walk

FORM_TYPE = {"content-type": "application/x-www-form-urlencoded"}


def test_the_form_page_sets_the_cookie_once_and_the_field_matches_it(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="talk")
    first = client.get("/events/talk")
    cookie = first.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE_NAME}=")
    for attribute in ("HttpOnly", "Path=/", "SameSite=lax", "Secure"):
        assert attribute.lower() in cookie.lower()
    match = CSRF_FIELD.search(first.text)
    assert match
    assert match.group(1) == client.cookies[COOKIE_NAME]
    again = client.get("/events/talk")
    assert "set-cookie" not in again.headers  # kept while valid
    assert CSRF_FIELD.search(again.text).group(1) == match.group(1)  # type: ignore[union-attr]


def test_no_secure_flag_over_plain_http(app: Starlette, db: Database, now: datetime) -> None:
    app.state.context.settings.base_url = "http://events.example.org"
    make_event(db, now, slug="talk")
    with TestClient(app) as client:
        assert "secure" not in client.get("/events/talk").headers["set-cookie"].lower()


def post_routes(app: Starlette) -> list[str]:
    """Every POST route the app has, inside Mounts too: a new one cannot escape this test."""
    return [
        path for path, route in walk(list(app.routes)) if route.methods and "POST" in route.methods
    ]


def is_json_api(path: str) -> bool:
    """The JSON API takes no forms at all (415), so no cross-site form can reach it."""
    return path.startswith("/api/")


def test_every_post_route_refuses_a_missing_or_mismatched_token(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="talk")
    register_form(client, "talk")
    token = last_token(db, "ada@example.org")
    post_with_csrf(client, f"/r/{token}/confirm", f"/r/{token}/confirm")
    with db.read() as session:
        ada = session.scalars(select(Registration)).one()
    assert ada.status == "confirmed"  # so that a check-in without the token would do something
    # Admin forms are tried signed in as an admin, so that only the token can refuse them.
    admin = make_user(db, now, email="admin@example.org")
    editor = make_user(db, now, email="ed@example.org", role="editor")
    sign_in(client, admin)
    session_cookie = client.cookies[SESSION_COOKIE]
    valid = client.cookies[COOKIE_NAME]
    forged = new_token("another-site-key-" + "y" * 32)  # well formed, wrong signature
    every_path = post_routes(client.app)  # type: ignore[arg-type]
    assert len(every_path) == 35
    api_paths = [path for path in every_path if is_json_api(path)]
    paths = [path for path in every_path if not is_json_api(path)]
    assert api_paths == ["/api/v1/events/{slug}/registrations"]
    fields = {
        "name": "Eve", "email": "eve@example.org", "consent": "yes", "role": "admin",
        "active": "0", "password": "another fine passphrase",
        "current": DEFAULT_PASSWORD, "new": "Tq9#vL2@pW8zKe", "again": "Tq9#vL2@pW8zKe",
        "code": ada.checkin_code,
    }  # fmt: skip
    sent_before = len(outbox(db))
    for template in paths:
        path = concrete(
            template.replace("{slug}", "talk")
            .replace("{token}", token)
            .replace("{user_id:int}", str(editor.id))
            .replace("{registration_id:int}", str(ada.id))
        )
        attempts = [
            ({}, valid),  # no field
            ({"csrf_token": valid + "x"}, valid),  # mismatch
            ({"csrf_token": forged}, forged),  # matches, but not ours
            ({"csrf_token": valid}, None),  # no cookie
        ]
        for extra, cookie in attempts:
            client.cookies.clear()
            client.cookies.set(SESSION_COOKIE, session_cookie)
            if cookie is not None:
                client.cookies.set(COOKIE_NAME, cookie)
            response = client.post(path, data={**fields, **extra}, follow_redirects=False)
            assert response.status_code == 403, (path, extra, cookie)
            assert "Form expired" in response.text
        client.cookies.set(COOKIE_NAME, valid)
    for template in api_paths:
        path = template.replace("{slug}", "talk")
        client.cookies.set(COOKIE_NAME, valid)
        for data in ({**fields, "csrf_token": valid}, fields):
            response = client.post(path, data=data, follow_redirects=False)
            assert response.status_code == 415, (path, data)
    assert len(outbox(db)) == sent_before
    assert "Ada Lovelace" in client.get(f"/r/{token}").text
    with db.read() as session:
        assert session.get(Registration, ada.id).status == "confirmed"  # type: ignore[union-attr]
    assert [entry.action for entry in audit_entries(db)] == ["user.create", "user.create"]
    with db.read() as session:
        assert session.get(User, admin.id).session_version == 0  # type: ignore[union-attr]
        assert session.get(User, editor.id).active  # type: ignore[union-attr]
    assert client.get("/admin").status_code == 200  # still signed in: logout was refused too


def test_a_new_unsafe_route_is_protected_without_opting_in(
    client: TestClient, db: Database, now: datetime
) -> None:
    """The check is the default (CsrfMiddleware), not a call each view must remember."""
    reached: list[str] = []

    async def new_form(request: Request) -> Response:
        reached.append(request.method)
        return PlainTextResponse("done")

    app: Starlette = client.app  # type: ignore[assignment]
    app.router.routes.append(
        Route("/a-new-form", new_form, methods=["POST", "PUT", "PATCH", "DELETE"])
    )
    app.router.routes.append(Route("/api/v1/a-new-call", new_form, methods=["POST"]))
    make_event(db, now, slug="talk")
    valid = CSRF_FIELD.search(client.get("/events/talk").text).group(1)  # type: ignore[union-attr]
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        response = client.request(method, "/a-new-form", data={"csrf_token": "forged"})
        assert response.status_code == 403, method
        assert "Form expired" in response.text
    assert reached == []
    assert client.post("/a-new-form", content=b"%%%\xff", headers=FORM_TYPE).status_code == 403
    assert client.post("/a-new-form", data={"csrf_token": valid}).text == "done"
    assert client.post("/api/v1/a-new-call", data={}).text == "done"  # exempt: its own rules
    assert reached == ["POST", "POST"]
