"""CSRF over every unsafe route: a form sent from another site is refused everywhere (walked
over the router), the public forms need no token, the back office needs its token as well."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from events_app.db import Database
from events_app.models import Registration, User
from tests.admin.web_helpers import sign_in
from tests.factories import DEFAULT_PASSWORD, make_event, make_user
from tests.registration.helpers import outbox
from tests.registration.web_helpers import (
    SAME_ORIGIN,
    csrf_from,
    last_token,
    post_from_page,
    register_form,
)
from tests.support.audit import audit_entries
from tests.support.http import https_client_fixture  # noqa: F401 (`client`, over HTTPS)
from tests.support.routes import concrete, walk

FORM_TYPE = {"content-type": "application/x-www-form-urlencoded"}
# How browsers mark a form sent from another site's page, alone and together.
FROM_ANOTHER_SITE = [
    {"sec-fetch-site": "cross-site"},
    {"sec-fetch-site": "same-site"},  # a sibling subdomain, which may be someone else's
    {"sec-fetch-site": "cross-site", "origin": "https://testserver"},
    {"origin": "https://evil.example"},
    {"origin": "https://events.example.org.evil.example"},
    {"origin": "http://evil.example:443"},
    {"origin": "null"},  # a sandboxed frame, a data: URL
]


def post_routes(app: Starlette) -> list[str]:
    """Every POST route the app has, inside Mounts too: a new one cannot escape this test."""
    return [
        path for path, route in walk(list(app.routes)) if route.methods and "POST" in route.methods
    ]


def is_json_api(path: str) -> bool:
    """The JSON API takes no forms at all (415), so no cross-site form can reach it."""
    return path.startswith("/api/")


def test_every_post_route_refuses_a_form_from_another_site(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="talk")
    register_form(client, "talk")
    token = last_token(db, "ada@example.org")
    post_from_page(client, f"/r/{token}/confirm", f"/r/{token}/confirm")
    with db.read() as session:
        ada = session.scalars(select(Registration)).one()
    assert ada.status == "confirmed"  # so that a check-in from another site would do something
    # Admin forms are tried signed in as an admin and with the session's token, so that only
    # where the form comes from can refuse them.
    admin = make_user(db, now, email="admin@example.org")
    editor = make_user(db, now, email="ed@example.org", role="editor")
    sign_in(client, admin)
    admin_token = csrf_from(client, "/admin")
    every_path = post_routes(client.app)  # type: ignore[arg-type]
    assert len(every_path) == 46  # public and admin: questions, approval, door sync too
    api_paths = [path for path in every_path if is_json_api(path)]
    paths = [path for path in every_path if not is_json_api(path)]
    assert api_paths == ["/api/v1/events/{slug}/registrations"]
    fields = {
        "name": "Eve", "email": "eve@example.org", "consent": "yes", "role": "admin",
        "active": "0", "password": "another fine passphrase",
        "current": DEFAULT_PASSWORD, "new": "Tq9#vL2@pW8zKe", "again": "Tq9#vL2@pW8zKe",
        "code": ada.checkin_code, "csrf_token": admin_token,
    }  # fmt: skip
    sent_before = len(outbox(db))
    for template in paths:
        path = concrete(
            template.replace("{slug}", "talk")
            .replace("{token}", token)
            .replace("{user_id:int}", str(editor.id))
            .replace("{registration_id:int}", str(ada.id))
        )
        refusal = "Form expired" if path.startswith("/admin/") else "Form refused"
        for headers in FROM_ANOTHER_SITE:
            response = client.post(path, data=fields, headers=headers, follow_redirects=False)
            assert response.status_code == 403, (path, headers)
            assert refusal in response.text
    for template in api_paths:
        path = template.replace("{slug}", "talk")
        response = client.post(path, data=fields, headers=FROM_ANOTHER_SITE[0])
        assert response.status_code == 415, path
    assert len(outbox(db)) == sent_before
    assert "Ada Lovelace" in client.get(f"/r/{token}").text
    with db.read() as session:
        assert session.get(Registration, ada.id).status == "confirmed"  # type: ignore[union-attr]
    assert [entry.action for entry in audit_entries(db)] == ["user.create", "user.create"]
    with db.read() as session:
        assert session.get(User, admin.id).session_version == 0  # type: ignore[union-attr]
        assert session.get(User, editor.id).active  # type: ignore[union-attr]
    assert client.get("/admin").status_code == 200  # still signed in: logout was refused too


def test_every_admin_post_route_refuses_a_missing_or_wrong_token(
    client: TestClient, db: Database, now: datetime
) -> None:
    """From the site's own page (so only the token can refuse), signed in as an admin."""
    admin = make_user(db, now, email="admin@example.org")
    editor = make_user(db, now, email="ed@example.org", role="editor")
    anonymous = csrf_from(client, "/admin/login")  # a valid pre-session pair, before sign-in
    pre_session_cookie = client.cookies["__Host-events_csrf"]
    sign_in(client, admin)
    valid = csrf_from(client, "/admin")
    assert valid != anonymous
    paths = [path for path in post_routes(client.app) if path.startswith("/admin/")]  # type: ignore[arg-type]
    assert len(paths) == 35  # with the questions page and approve/decline
    fields = {"name": "Eve", "email": "eve@example.org", "role": "admin", "active": "0"}
    for template in paths:
        path = concrete(template.replace("{user_id:int}", str(editor.id)))
        for extra in ({}, {"csrf_token": valid + "x"}, {"csrf_token": anonymous}):
            client.cookies.set("__Host-events_csrf", pre_session_cookie)
            response = client.post(
                path, data={**fields, **extra}, headers=SAME_ORIGIN, follow_redirects=False
            )
            assert response.status_code == 403, (path, extra)
            assert "Form expired" in response.text
    assert [entry.action for entry in audit_entries(db)] == ["user.create", "user.create"]
    assert client.get("/admin").status_code == 200  # still signed in: logout was refused too


def test_public_forms_need_no_token_from_this_site_or_outside_a_browser(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="talk")
    page = client.get("/events/talk")
    assert "set-cookie" not in page.headers
    assert "csrf_token" not in page.text
    own = [
        SAME_ORIGIN,
        {"sec-fetch-site": "none"},  # typed in, a bookmark
        {"sec-fetch-site": "same-origin", "origin": "https://testserver"},
        {"origin": "https://testserver"},  # a browser without Fetch Metadata
        {"origin": "https://events.example.org"},  # the configured base URL
        {},  # no browser at all: curl, a script
    ]
    for number, headers in enumerate(own):
        client.cookies.clear()
        response = client.post(
            "/events/talk/register",
            data={"name": "Ada", "email": f"ada{number}@example.org", "consent": "yes"},
            headers=headers,
            follow_redirects=False,
        )
        assert response.status_code == 303, headers
    with db.read() as session:
        assert len(session.scalars(select(Registration)).all()) == len(own)


def test_trusted_origins_may_post_from_a_sibling_site(
    client: TestClient, db: Database, now: datetime
) -> None:
    client.app.state.context.settings.csrf_trusted_origins = ["https://www.example.org"]  # type: ignore[attr-defined]
    make_event(db, now, slug="talk")
    data = {"name": "Ada", "email": "ada@example.org", "consent": "yes"}
    trusted = {"sec-fetch-site": "same-site", "origin": "https://www.example.org"}
    other = {"sec-fetch-site": "same-site", "origin": "https://blog.example.org"}
    path = "/events/talk/register"
    assert client.post(path, data=data, headers=other).status_code == 403
    assert client.post(path, data=data, headers=trusted, follow_redirects=False).status_code == 303


def test_a_new_unsafe_route_is_protected_without_opting_in(
    client: TestClient, db: Database, now: datetime
) -> None:
    """The check is the default (CsrfMiddleware), not a call each view must remember."""
    reached: list[str] = []

    async def new_form(request: Request) -> Response:
        reached.append(request.method)
        return PlainTextResponse("done")

    app: Starlette = client.app  # type: ignore[assignment]
    methods = ["POST", "PUT", "PATCH", "DELETE"]
    app.router.routes.append(Route("/a-new-form", new_form, methods=methods))
    app.router.routes.append(Route("/admin/a-new-form", new_form, methods=methods))
    app.router.routes.append(Route("/api/v1/a-new-call", new_form, methods=["POST"]))
    sign_in(client, make_user(db, now, email="admin@example.org"))
    valid = csrf_from(client, "/admin")
    for method in methods:
        for path in ("/a-new-form", "/admin/a-new-form"):
            response = client.request(
                method, path, data={"csrf_token": valid}, headers={"sec-fetch-site": "cross-site"}
            )
            assert response.status_code == 403, (method, path)
        response = client.request(method, "/admin/a-new-form", data={}, headers=SAME_ORIGIN)
        assert response.status_code == 403, method  # no token
    assert reached == []
    bad_body = client.post("/admin/a-new-form", content=b"%%%\xff", headers=FORM_TYPE)
    assert bad_body.status_code == 403
    assert client.post("/a-new-form", data={}, headers=SAME_ORIGIN).text == "done"
    same_origin_with_token = client.post(
        "/admin/a-new-form", data={"csrf_token": valid}, headers=SAME_ORIGIN
    )
    assert same_origin_with_token.text == "done"
    cross_site = {"sec-fetch-site": "cross-site"}
    assert client.post("/api/v1/a-new-call", data={}, headers=cross_site).text == "done"
    assert reached == ["POST", "POST", "POST"]


def test_a_form_the_check_cannot_read_is_refused_not_passed_on(
    client: TestClient, db: Database, now: datetime
) -> None:
    """A malformed multipart body, or more fields than any form has, never reaches a view."""
    admin = make_user(db, now, email="admin@example.org")
    sign_in(client, admin)
    token = csrf_from(client, "/admin")
    broken = {"content-type": "multipart/form-data; boundary=x", **SAME_ORIGIN}
    body = b'--x\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n' + token.encode()
    response = client.post("/admin/events/new", content=body, headers=broken)
    assert response.status_code == 403
    too_many = {"csrf_token": token, **{f"f{i}": "x" for i in range(5000)}}
    response = client.post("/admin/events/new", data=too_many, headers=SAME_ORIGIN)
    assert response.status_code == 403
    assert client.get("/admin").status_code == 200
