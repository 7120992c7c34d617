"""The guard on every admin route: a walk over the app's routes (a new one cannot escape it),
roles, where `next` may lead, and no-store on every answer under /admin."""

from __future__ import annotations

from datetime import datetime

import pytest
from starlette.applications import Starlette
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from events_app.admin.guards import safe_next
from events_app.db import Database
from events_app.models import UserRole
from tests.admin.web_helpers import sign_in
from tests.factories import make_user
from tests.registration.web_helpers import csrf_from
from tests.support.routes import concrete, walk

# Reached signed out by design: the sign-in form itself, signing out (which answers with a
# redirect to the sign-in page whoever asks), and the check-in page's service worker script
# (no data; served under /admin/ only so that its scope may cover the check-in pages).
SIGNED_OUT_PATHS = {"/admin/login", "/admin/checkin-sw.js"}
OPEN_TO_ANYONE = {"/admin/logout"}


def admin_routes(app: Starlette) -> list[tuple[str, str, Route]]:
    """(path, method, route) of every admin route but the sign-in form."""
    found = [
        (path, method, route)
        for path, route in walk(list(app.routes))
        if (path == "/admin" or path.startswith("/admin/")) and path not in SIGNED_OUT_PATHS
        for method in sorted(route.methods or ())
        if method != "HEAD"
    ]
    return found


def request(client: TestClient, method: str, path: str, token: str) -> object:
    data = {"csrf_token": token} if method == "POST" else None
    return client.request(method, concrete(path), data=data, follow_redirects=False)


def test_every_admin_route_declares_who_may_use_it(app: Starlette) -> None:
    routes = admin_routes(app)
    assert len(routes) >= 10  # the walk found the admin routes, in and out of Mounts
    undeclared = [
        path
        for path, _method, route in routes
        if path not in OPEN_TO_ANYONE and not hasattr(route.endpoint, "required_role")
    ]
    assert undeclared == [], "admin routes without @requires(role)"


def test_the_walk_finds_routes_inside_mounts(app: Starlette) -> None:
    async def report(_request: object) -> None:  # pragma: no cover - never called
        raise AssertionError

    app.router.routes.append(Mount("/admin/tools", routes=[Route("/report", report)]))
    paths = {path for path, _method, _route in admin_routes(app)}
    assert "/admin/tools/report" in paths
    assert not hasattr(report, "required_role")  # so the test above would name it


def test_anonymous_requests_get_the_sign_in_page_or_403(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_user(db, now)  # there is someone to be
    token = csrf_from(client, "/admin/login")  # a valid form token: only the guard refuses
    for path, method, _route in admin_routes(client.app):  # type: ignore[arg-type]
        response = request(client, method, path, token)
        status = response.status_code  # type: ignore[attr-defined]
        location = response.headers.get("location", "")  # type: ignore[attr-defined]
        redirected_to_login = status in (302, 303, 307) and location.startswith("/admin/login")
        assert redirected_to_login or status in (401, 403), (method, path, status)
        assert response.headers["cache-control"] == "no-store", (method, path)  # type: ignore[attr-defined]


def test_editors_are_refused_every_admin_only_route(
    client: TestClient, db: Database, now: datetime
) -> None:
    admin = make_user(db, now)
    editor = make_user(db, now, role="editor")
    sign_in(client, editor)
    token = csrf_from(client, "/admin/login")
    admin_only = [
        (path, method)
        for path, method, route in admin_routes(client.app)  # type: ignore[arg-type]
        if getattr(route.endpoint, "required_role", None) == UserRole.admin
    ]
    assert {"/admin/users", "/admin/audit"} <= {path for path, _ in admin_only}
    for path, method in admin_only:
        response = request(client, method, path.replace("{user_id:int}", str(admin.id)), token)
        assert response.status_code == 403, (method, path)  # type: ignore[attr-defined]
        assert "Not allowed" in response.text  # type: ignore[attr-defined]
    for path in ("/admin", "/admin/account/password"):
        assert client.get(path).status_code == 200


def test_an_anonymous_get_comes_back_to_where_it_was_going(
    client: TestClient, db: Database, now: datetime
) -> None:
    response = client.get("/admin/audit?action=user.create&page=2", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == (
        "/admin/login?next=%2Fadmin%2Faudit%3Faction%3Duser.create%26page%3D2"
    )


def test_a_signed_out_post_changes_nothing_and_says_why(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_user(db, now, email="ada@example.org")
    editor = make_user(db, now, role="editor")
    token = csrf_from(client, "/admin/login")
    response = client.post(
        f"/admin/users/{editor.id}/role", data={"csrf_token": token, "role": "admin"}
    )
    assert response.status_code == 403
    assert "Please sign in" in response.text
    sign_in(client, make_user(db, now))
    assert "Editor" in client.get(f"/admin/users/{editor.id}").text


def test_the_nav_shows_what_the_role_allows(
    client: TestClient, db: Database, now: datetime
) -> None:
    sign_in(client, make_user(db, now, role="editor", email="ed@example.org"))
    page = client.get("/admin").text
    assert 'href="/admin/account/password"' in page
    assert 'href="/admin/users"' not in page
    assert 'href="/admin/audit"' not in page
    assert "Signed in as ed@example.org" in page
    sign_in(client, make_user(db, now))
    page = client.get("/admin").text
    assert 'href="/admin/users"' in page
    assert 'href="/admin/audit"' in page
    assert '<a href="/admin" aria-current="page">Dashboard</a>' in page


def test_404_under_admin_is_not_stored_either(
    client: TestClient, db: Database, now: datetime
) -> None:
    sign_in(client, make_user(db, now))
    response = client.get("/admin/users/999")
    assert response.status_code == 404
    assert response.headers["cache-control"] == "no-store"
    assert client.get("/admin/users/99999999999999999999").status_code == 404
    assert client.get("/admin/no-such-page").headers["cache-control"] == "no-store"
    assert client.get("/events").headers["cache-control"] == "public, no-cache"  # only /admin


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, "/admin"),
        ("", "/admin"),
        ("/admin/users?page=2", "/admin/users?page=2"),
        ("/events", "/events"),
        ("https://evil.example/admin", "/admin"),
        ("//evil.example/admin", "/admin"),
        ("/\\evil.example", "/admin"),
        ("\\\\evil.example", "/admin"),
        ("/\t/evil.example", "/admin"),
        ("javascript:alert(1)", "/admin"),
        ("admin/users", "/admin"),
        ("/" + "a" * 3000, "/admin"),
    ],
)
def test_next_is_only_ever_a_local_path(raw: str | None, expected: str) -> None:
    assert safe_next(raw) == expected
