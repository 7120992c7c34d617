"""What every back-office page shares: rendering with the admin nav and a CSRF token,
problem pages, and `Cache-Control: no-store` on every answer under /admin.

The token is `CSRF_TOKEN`'s: bound to the back-office session (so renewed at every sign-in),
a pre-session token on the sign-in form; app.py's `CSRF_POLICIES` checks it on every unsafe
request under /admin, beside the Fetch Metadata and Origin check."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from events_app.admin.passwords import MIN_LENGTH
from events_app.admin.sessions import COOKIE_NAME as SESSION_COOKIE
from events_app.admin.users import may
from events_app.models import User, UserRole
from events_app.web.context import app_context, render_page
from events_app.web.csrf_token import SessionBoundToken

ADMIN_PREFIX = "/admin"
CSRF_TOKEN = SessionBoundToken(session_cookie=SESSION_COOKIE)
# The nav, in order: each entry's route name and the role it needs.
NAV = (
    ("admin_dashboard", UserRole.editor),
    ("admin_events", UserRole.editor),
    ("admin_articles", UserRole.editor),
    ("admin_categories", UserRole.editor),
    ("admin_users", UserRole.admin),
    ("admin_audit", UserRole.admin),
    ("admin_account_password", UserRole.editor),
)


async def read_admin_form(
    request: Request, *, max_fields: int = 300, max_files: int = 0
) -> FormData:
    """A back-office form: more fields than the public forms (an event's categories and
    articles are one field each), and fields as long as the body may be (an article's body:
    Starlette's own limit of 1 MiB per field would refuse the longest in Chinese), still
    bounded; a malformed body is a 400. `max_files`: the event and article forms carry one
    file, their cover image."""
    longest = app_context(request).settings.max_admin_body_bytes
    try:
        return await request.form(max_files=max_files, max_fields=max_fields, max_part_size=longest)
    except HTTPException:
        raise
    except (ValueError, UnicodeDecodeError) as exc:
        raise HTTPException(status_code=400, detail="Malformed form") from exc


def nav_for(request: Request, user: User | None) -> list[str]:
    """The route names of the nav entries this user may open."""
    if user is None:
        return []
    return [name for name, role in NAV if may(user.role, role)]


def render_admin(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    user: User | None,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """A back-office page: never stored anywhere, with the nav for `user` (None: signed out)
    and the visitor's CSRF token for its forms (the nav's sign-out button is one)."""
    values = {
        "user": user,
        "admin_nav": nav_for(request, user),
        "csrf_token": CSRF_TOKEN.for_page(request),
        "password_min_length": MIN_LENGTH,
        **context,
    }
    response = render_page(request, template, values, status_code=status_code, public=False)
    response.headers.update(headers or {})
    CSRF_TOKEN.set_cookie(request, response)
    return response


def admin_problem(
    request: Request, problem: str, *, status_code: int, user: User | None = None
) -> Response:
    """'csrf' (sent from another site, or without the form's token), 'forbidden' (the role
    does not allow it) or 'signed_out' (a form sent after the session ended)."""
    return render_admin(
        request, "admin/problem.html", {"problem": problem}, user=user, status_code=status_code
    )


def csrf_refused(request: Request, user: User | None = None) -> Response:
    return admin_problem(request, "csrf", status_code=403, user=user)


def is_admin_path(path: str) -> bool:
    return path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/")


class NoStoreMiddleware:
    """Every answer under /admin, whatever made it (a page, a redirect, a refusal, a 404),
    says `Cache-Control: no-store`: back-office pages hold personal data and must stay out
    of shared caches and of the browser's history cache."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_admin_path(scope["path"]):
            await self.app(scope, receive, send)
            return

        async def send_no_store(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (key, value)
                    for key, value in message.get("headers", [])
                    if key.lower() != b"cache-control"
                ]
                message["headers"] = [*headers, (b"cache-control", b"no-store")]
            await send(message)

        await self.app(scope, receive, send_no_store)
