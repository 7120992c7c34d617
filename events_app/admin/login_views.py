"""Signing in and out of the back office.

Whatever went wrong (unknown address, deactivated account, wrong password) the page says the
same thing, "Email or password is wrong", and takes as long to say it. After repeated
failures the throttle (throttle.py) refuses attempts for a while: 429 with Retry-After.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from events_app.admin import login
from events_app.admin.guards import (
    clear_session_cookie,
    current_user,
    safe_next,
    set_session_cookie,
)
from events_app.admin.pages import render_admin
from events_app.admin.passwords import hasher_for
from events_app.admin.users import end_sessions
from events_app.models import User
from events_app.registration.view_support import form_text, read_form
from events_app.web.context import AppContext, app_context

if TYPE_CHECKING:
    from sqlmodel import Session


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def checked_attempt(ctx: AppContext, *, email: str, password: str, client: str) -> login.Attempt:
    """Claim the attempt (counted as a failure until proved right), then check the password.
    Blocking: run it in the thread pool."""
    now, max_delay = ctx.now(), ctx.settings.admin_login_max_delay_seconds
    with ctx.db.write() as session:
        claimed = login.claim_attempt(
            session=session, now=now, email=email, client=client, max_delay=max_delay
        )
    if claimed.wait:
        return claimed
    with ctx.db.read() as session:
        return login.check_password(
            session=session,
            attempt=claimed,
            email=email,
            password=password,
            hasher=hasher_for(ctx.settings),
        )


def _render_login(
    request: Request,
    form: Mapping[str, str],
    *,
    errors: Mapping[str, str] | None = None,
    problem: str = "",
    wait: int = 0,
    status_code: int = 200,
) -> Response:
    context: dict[str, Any] = {
        "form": form,
        "errors": errors or {},
        "problem": problem,
        "wait": wait,
        "signed_out": request.query_params.get("signed_out") == "1",
    }
    headers = {"retry-after": str(wait)} if wait else None
    return render_admin(
        request, "admin/login.html", context, user=None, status_code=status_code, headers=headers
    )


async def login_form(request: Request) -> Response:
    next_path = safe_next(request.query_params.get("next"))
    if await current_user(request) is not None:
        return RedirectResponse(next_path, status_code=303)
    return _render_login(request, {"email": "", "next": next_path})


async def login_submit(request: Request) -> Response:
    ctx = app_context(request)
    form = await read_form(request)
    email, password = form_text(form, "email").strip(), form_text(form, "password")
    values = {"email": email[:320], "next": safe_next(form_text(form, "next"))}
    fields = (("email", email), ("password", password))
    errors = {name: "required" for name, value in fields if not value}
    if errors:
        return _render_login(request, values, errors=errors, status_code=400)
    now, client = ctx.now(), client_address(request)

    def attempt() -> tuple[login.Attempt, User | None]:
        checked = checked_attempt(ctx, email=email, password=password, client=client)
        if not checked.succeeded:
            return checked, None
        with ctx.db.write() as session:
            max_delay = ctx.settings.admin_login_max_delay_seconds
            user = login.record_login(
                session=session, now=now, attempt=checked, max_delay=max_delay
            )
            return checked, user

    checked, user = await run_in_threadpool(attempt)
    if checked.wait:
        return _render_login(
            request, values, problem="throttled", wait=checked.wait, status_code=429
        )
    if user is None:
        return _render_login(request, values, problem="wrong", status_code=400)
    response = RedirectResponse(values["next"], status_code=303)
    set_session_cookie(request, response, user)
    return response


async def logout(request: Request) -> Response:
    """Signs out everywhere: every session of this user ends, not only this browser's."""
    ctx = app_context(request)
    user = await current_user(request)
    if user is not None and user.id is not None:
        user_id = user.id

        def write(session: Session) -> None:
            end_sessions(session=session, user_id=user_id)

        await ctx.write(write)
    login_path = str(request.app.url_path_for("admin_login"))
    response = RedirectResponse(f"{login_path}?signed_out=1", status_code=303)
    clear_session_cookie(request, response)
    # What the check-in page kept on this device (the door list in IndexedDB, the page in
    # its service worker's cache) goes with the session. The public pages keep nothing.
    response.headers["clear-site-data"] = '"storage"'
    return response


routes: list[BaseRoute] = [
    Route("/admin/login", login_form, methods=["GET"], name="admin_login_form"),
    Route("/admin/login", login_submit, methods=["POST"], name="admin_login"),
    Route("/admin/logout", logout, methods=["POST"], name="admin_logout"),
]
