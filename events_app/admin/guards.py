"""Who is signed in to the back office, and the guard every admin view goes through.

    @requires(UserRole.admin)
    async def users_page(request: Request, user: User) -> Response: ...

or, inside a view, `user = await require_user(request, role=UserRole.editor)`. Anonymous GETs
are sent to the sign-in page (and back afterwards); anything else anonymous, and any request
the user's role does not allow, gets 403. The session cookie is read against the app's clock
and checked against the database on every request, so a sign-out, a new password or a
deactivation ends it everywhere at once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import wraps
from urllib.parse import urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from events_app.admin.pages import ADMIN_PREFIX, CSRF_TOKEN, admin_problem
from events_app.admin.sessions import COOKIE_NAME, issue_session, read_session
from events_app.admin.users import may, session_user
from events_app.config import Settings
from events_app.models import User, UserRole
from events_app.web.context import app_context

Endpoint = Callable[[Request], Awaitable[Response]]
AdminEndpoint = Callable[[Request, User], Awaitable[Response]]
_STATE_ATTR = "admin_user"
_MAX_NEXT_LENGTH = 2000


class AccessRefused(Exception):
    """Raised by `require_user`; create_app answers it with `response`."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


async def access_refused(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AccessRefused)
    return exc.response


async def current_user(request: Request) -> User | None:
    """The signed-in user, or None; read once per request."""
    if hasattr(request.state, _STATE_ATTR):
        cached: User | None = getattr(request.state, _STATE_ATTR)
        return cached
    ctx = app_context(request)
    claim = read_session(
        ctx.settings.secret_key,
        request.cookies.get(COOKIE_NAME),
        now=ctx.now(),
        max_age=timedelta(hours=ctx.settings.admin_session_hours),
    )
    user = None
    if claim is not None:
        user = await ctx.read(
            lambda session: session_user(
                session=session, user_id=claim.user_id, version=claim.version
            )
        )
    setattr(request.state, _STATE_ATTR, user)
    return user


async def require_user(request: Request, *, role: UserRole = UserRole.editor) -> User:
    """The signed-in user whose role allows `role`; raises AccessRefused otherwise."""
    user = await current_user(request)
    if user is None:
        if request.method in ("GET", "HEAD"):
            raise AccessRefused(login_redirect(request))
        raise AccessRefused(admin_problem(request, "signed_out", status_code=403))
    if not may(user.role, role):
        raise AccessRefused(admin_problem(request, "forbidden", status_code=403, user=user))
    return user


def requires(role: UserRole) -> Callable[[AdminEndpoint], Endpoint]:
    """A view that only users with `role` (or above) reach; it is given the user. The role is
    kept on the endpoint (`required_role`) for the test that walks every admin route."""

    def decorate(endpoint: AdminEndpoint) -> Endpoint:
        @wraps(endpoint)
        async def guarded(request: Request) -> Response:
            return await endpoint(request, await require_user(request, role=role))

        guarded.required_role = role  # type: ignore[attr-defined]
        return guarded

    return decorate


def safe_next(raw: str | None) -> str:
    """Where to go after signing in: a path on this site, or the dashboard. Another site,
    `//host`, a scheme and backslashes (which browsers read as slashes) are all refused."""
    if (
        not raw
        or len(raw) > _MAX_NEXT_LENGTH
        or not raw.startswith("/")
        or raw.startswith("//")
        or "\\" in raw
        or not raw.isprintable()
    ):
        return ADMIN_PREFIX
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc:
        return ADMIN_PREFIX
    return raw


def login_redirect(request: Request) -> Response:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    login = str(request.app.url_path_for("admin_login"))
    return RedirectResponse(f"{login}?{urlencode({'next': here})}", status_code=303)


def _cookie_path(settings: Settings) -> str:
    # The browser sees the site's base path (EVENTS_BASE_URL) before /admin.
    return urlsplit(settings.base_url).path.rstrip("/") + ADMIN_PREFIX


def set_session_cookie(request: Request, response: Response, user: User) -> None:
    """Sign `user` in on this browser, at their current session version. The new session
    value brings a new CSRF token with it, and the pre-session one is dropped."""
    ctx = app_context(request)
    settings = ctx.settings
    assert user.id is not None
    value = issue_session(
        settings.secret_key, user_id=user.id, version=user.session_version, now=ctx.now()
    )
    response.set_cookie(
        COOKIE_NAME,
        value,
        max_age=settings.admin_session_hours * 3600,
        path=_cookie_path(settings),
        httponly=True,
        samesite="lax",
        secure=not settings.is_development,
    )
    CSRF_TOKEN.forget_pre_session(request, response)


def clear_session_cookie(request: Request, response: Response) -> None:
    settings = app_context(request).settings
    response.delete_cookie(
        COOKIE_NAME,
        path=_cookie_path(settings),
        httponly=True,
        samesite="lax",
        secure=not settings.is_development,
    )
