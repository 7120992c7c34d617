"""The signed-in user's own account: changing their password.

The current password is asked for (and counts against the sign-in throttle when wrong), so a
session left open on a shared computer cannot be turned into the account itself. A new
password ends every other session of the user; this browser gets a new cookie and stays in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from events_app.admin import login
from events_app.admin.guards import requires, set_session_cookie
from events_app.admin.login_views import checked_attempt, client_address
from events_app.admin.pages import render_admin
from events_app.admin.passwords import (
    NewPassword,
    PasswordRefused,
    accept_password,
    hasher_for,
)
from events_app.admin.users import change_password
from events_app.models import User, UserRole
from events_app.registration.view_support import form_text, read_form, redirect_to
from events_app.web.context import app_context

if TYPE_CHECKING:
    from sqlmodel import Session

FIELDS = ("current", "new", "again")  # the three password fields of the form


def _render(
    request: Request,
    user: User,
    *,
    errors: Mapping[str, str] | None = None,
    wait: int = 0,
    status_code: int = 200,
) -> Response:
    # Passwords are never written back into the form.
    context = {
        "errors": errors or {},
        "wait": wait,
        "changed": request.query_params.get("changed") == "1",
    }
    headers = {"retry-after": str(wait)} if wait else None
    return render_admin(
        request,
        "admin/account_password.html",
        context,
        user=user,
        status_code=status_code,
        headers=headers,
    )


@requires(UserRole.editor)
async def password_form(request: Request, user: User) -> Response:
    return _render(request, user)


@requires(UserRole.editor)
async def password_submit(request: Request, user: User) -> Response:
    ctx = app_context(request)
    form = await read_form(request)
    current, new, again = (form_text(form, name) for name in FIELDS)
    errors = {
        name: "required"
        for name, value in zip(FIELDS, (current, new, again), strict=True)
        if not value
    }
    if errors:
        return _render(request, user, errors=errors, status_code=400)
    now, client = ctx.now(), client_address(request)
    hints = [user.email, user.email.split("@")[0], user.name]
    hasher = hasher_for(ctx.settings)

    def check() -> tuple[int, dict[str, str], NewPassword | None]:
        checked = checked_attempt(ctx, email=user.email, password=current, client=client)
        if checked.wait:
            return checked.wait, {}, None
        problems: dict[str, str] = {}
        if checked.succeeded:
            with ctx.db.write() as session:
                max_delay = ctx.settings.admin_login_max_delay_seconds
                login.settle(session=session, now=now, attempt=checked, max_delay=max_delay)
        else:
            problems["current"] = "wrong_password"
        if new != again:
            problems["again"] = "mismatch"
        try:
            accepted = accept_password(new, user_inputs=hints, hasher=hasher)
        except PasswordRefused as refused:
            problems["new"] = refused.code
            return 0, problems, None
        return 0, problems, accepted

    wait, errors, accepted = await run_in_threadpool(check)
    if wait:
        return _render(request, user, wait=wait, status_code=429)
    if errors or accepted is None:
        return _render(request, user, errors=errors, status_code=400)
    user_id, password = user.id, accepted
    assert user_id is not None

    def write(session: Session) -> User:
        return change_password(session=session, now=now, user_id=user_id, password=password)

    changed = await ctx.write(write)
    response = redirect_to(request, "admin_account_password")
    response.headers["location"] += "?changed=1"
    set_session_cookie(request, response, changed)
    return response


routes: list[BaseRoute] = [
    Route("/admin/account/password", password_form, methods=["GET"], name="admin_account_password"),
    Route(
        "/admin/account/password",
        password_submit,
        methods=["POST"],
        name="admin_account_password_submit",
    ),
]
