"""Helpers for HTTP tests of the back office: signing in (through the form, or by giving the
browser a session cookie as the form would) and posting forms with their CSRF token."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from events_app.admin.sessions import COOKIE_NAME, issue_session
from events_app.models import User
from tests.factories import DEFAULT_PASSWORD
from tests.registration.web_helpers import csrf_from


def sign_in(client: TestClient, user: User) -> None:
    """Give the browser the cookie a sign-in would give `user` now (no argon2 check: tests
    about what a signed-in user sees need not pay for one each)."""
    context = client.app.state.context  # type: ignore[attr-defined]
    assert user.id is not None
    value = issue_session(
        context.settings.secret_key,
        user_id=user.id,
        version=user.session_version,
        now=context.now(),
    )
    client.cookies.set(COOKIE_NAME, value)


def log_in(client: TestClient, email: str, password: str = DEFAULT_PASSWORD, **extra: str) -> Any:
    data = {"csrf_token": csrf_from(client, "/admin/login"), "email": email, "password": password}
    data.update(extra)
    return client.post("/admin/login", data=data, follow_redirects=False)


def post_form(client: TestClient, page: str, action: str, **fields: str) -> Any:
    """Post a form of `page` (read first, for its CSRF token) to `action`."""
    return client.post(
        action, data={"csrf_token": csrf_from(client, page), **fields}, follow_redirects=False
    )
