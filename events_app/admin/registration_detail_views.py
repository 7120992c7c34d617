"""One registration in the back office (editors and admins): who, their state and emails'
timing, and what an organiser may do with it: resend its email, promote it from the
waitlist, approve or decline it (events that need approval), cancel it. Each action is a
POST with the CSRF token, goes through events_app.registration.organiser (or approval),
and comes back here saying what happened, or why not."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from events_app.admin.guards import requires
from events_app.admin.pages import render_admin
from events_app.admin.registration_views import load_event
from events_app.models import Event, Registration, User, UserRole
from events_app.registration import approval, organiser, roster
from events_app.registration.notify import app_notifier
from events_app.registration.seats import waitlist_position
from events_app.registration.service import RESEND_COOLDOWN
from events_app.registration.view_support import form_text, read_form, redirect_to
from events_app.web.context import app_context

if TYPE_CHECKING:
    from sqlmodel import Session

MAX_ID = 2**31 - 1  # an id the database's integer column cannot hold is simply not found
Action = Callable[..., Registration | None]


async def _load(request: Request, event: Event) -> tuple[Registration, int | None]:
    registration_id: int = request.path_params["registration_id"]
    event_id = event.id
    assert event_id is not None
    if registration_id > MAX_ID:
        raise HTTPException(status_code=404)

    def load(session: Session) -> tuple[Registration, int | None] | None:
        found = roster.find_event_registration(
            session=session, event_id=event_id, registration_id=registration_id
        )
        if found is None:
            return None
        return found, waitlist_position(session=session, registration=found)

    loaded = await app_context(request).read(load)
    if loaded is None:
        raise HTTPException(status_code=404)
    return loaded


async def _render(
    request: Request,
    user: User,
    event: Event,
    *,
    problem: str = "",
    retry_at: datetime | None = None,
    status_code: int = 200,
) -> Response:
    registration, position = await _load(request, event)
    resend_at = registration.link_sent_at + RESEND_COOLDOWN
    context: dict[str, Any] = {
        "event": event,
        "registration": registration,
        "position": position,
        "resend_kind": organiser.RESENT_KIND.get(registration.status),
        "resend_at": resend_at if resend_at > app_context(request).now() else None,
        "problem": problem,
        "retry_at": retry_at,
        "done": request.query_params.get("done", ""),
    }
    return render_admin(
        request, "admin/registration.html", context, user=user, status_code=status_code
    )


@requires(UserRole.editor)
async def registration_page(request: Request, user: User) -> Response:
    return await _render(request, user, await load_event(request))


async def _act(request: Request, user: User, action: Action, done: str, **extra: Any) -> Response:
    """CSRF, the action in one write transaction, then back to the registration's page."""
    ctx = app_context(request)
    form = await read_form(request)
    event = await load_event(request)
    registration_id: int = request.path_params["registration_id"]
    if registration_id > MAX_ID:
        raise HTTPException(status_code=404)
    now, event_id = ctx.now(), event.id
    values = {name: parse(form) for name, parse in extra.items()}

    def write(session: Session) -> Registration | None:
        return action(
            session=session, now=now, actor=user, event_id=event_id,
            registration_id=registration_id, notifier=app_notifier(ctx), **values,
        )  # fmt: skip

    try:
        changed = await ctx.write(write)
    except organiser.OrganiserRefused as refused:
        return await _render(
            request, user, event, problem=refused.code, retry_at=refused.retry_at, status_code=409
        )
    if changed is None:
        raise HTTPException(status_code=404)
    response = redirect_to(
        request, "admin_registration", slug=event.slug, registration_id=str(registration_id)
    )
    response.headers["location"] += f"?done={done}"
    return response


@requires(UserRole.editor)
async def cancel(request: Request, user: User) -> Response:
    return await _act(request, user, organiser.cancel_for_attendee, "cancelled")


@requires(UserRole.editor)
async def promote(request: Request, user: User) -> Response:
    return await _act(
        request,
        user,
        organiser.promote,
        "promoted",
        add_seat=lambda form: form_text(form, "add_seat") == "yes",
    )


@requires(UserRole.editor)
async def approve(request: Request, user: User) -> Response:
    return await _act(request, user, approval.approve, "approved")


@requires(UserRole.editor)
async def decline(request: Request, user: User) -> Response:
    return await _act(
        request, user, approval.decline, "declined", reason=lambda form: form_text(form, "reason")
    )


@requires(UserRole.editor)
async def resend(request: Request, user: User) -> Response:
    return await _act(request, user, organiser.resend_email, "resent")


_BASE = "/admin/events/{slug}/registrations/{registration_id:int}"
routes: list[BaseRoute] = [
    Route(_BASE, registration_page, methods=["GET"], name="admin_registration"),
    Route(f"{_BASE}/cancel", cancel, methods=["POST"], name="admin_registration_cancel"),
    Route(f"{_BASE}/promote", promote, methods=["POST"], name="admin_registration_promote"),
    Route(f"{_BASE}/resend", resend, methods=["POST"], name="admin_registration_resend"),
    Route(f"{_BASE}/approve", approve, methods=["POST"], name="admin_registration_approve"),
    Route(f"{_BASE}/decline", decline, methods=["POST"], name="admin_registration_decline"),
]
