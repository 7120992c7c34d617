"""Publishing an event (now, at a moment, back to draft, cancelled, postponed) and deleting
one. When a publishing action would change the event for confirmed attendees, a page asks
whether to email them before anything is saved; cancelling tells everyone registered without
asking. Deleting asks for confirmation, and an event with registrations must be cancelled
first (which tells its attendees) — see events_app.events.writes.delete_event for why."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from events_app.admin.event_views import (
    NOTIFY_CHOICES,
    PUBLISH_FIELDS,
    load_row,
    render_event_form,
)
from events_app.admin.form_errors import text
from events_app.admin.guards import requires
from events_app.admin.local_times import Problem, resolve_instant
from events_app.admin.pages import read_admin_form, render_admin
from events_app.events.publishing import Publication, publish_event
from events_app.events.writes import EventRefused, NotifyDecisionNeeded, delete_event
from events_app.models import EventStatus, User, UserRole
from events_app.registration.notify import app_notifier
from events_app.timezones import zone
from events_app.web.context import app_context
from events_app.web.forms import parse_choice

if TYPE_CHECKING:
    from sqlmodel import Session

# What a live event's page says outright to visitors and (cancelling) emails everyone
# registered: a slip of the mouse must not do it, so each asks once more first.
CONFIRMED_FIRST = (Publication.cancel, Publication.postpone)


@requires(UserRole.editor)
async def publication_submit(request: Request, user: User) -> Response:
    ctx = app_context(request)
    raw = await read_admin_form(request)
    row, stored = await load_row(request)
    sent = {name: text(raw, name) for name in PUBLISH_FIELDS}
    action, _ok = parse_choice(sent["action"], Publication)
    errors: dict[str, Problem] = {}
    if action is None:
        errors["action"] = Problem("choice")
    publish_at, problem = resolve_instant(
        sent["publish_at"], zone(row.event.timezone), sent["publish_at_offset"]
    )
    if action == Publication.schedule and problem is not None:
        errors["publish_at"] = problem
    if errors or action is None:
        return await render_event_form(
            request,
            user,
            stored,
            row=row,
            publish_form=sent,
            publish_errors=errors,
            status_code=400,
        )
    if action in CONFIRMED_FIRST and sent["confirm"] != "yes":
        context = {"row": row, "sent": {**sent, "confirm": "yes"}, "action": action}
        return render_admin(request, "admin/event_halt.html", context, user=user)
    chosen, now, event_id = action, ctx.now(), row.event.id
    notify = NOTIFY_CHOICES.get(text(raw, "notify"))
    assert event_id is not None

    def write(session: Session) -> int | None:
        done = publish_event(
            session=session,
            now=now,
            actor=user,
            event_id=event_id,
            action=chosen,
            notify=notify,
            notifier=app_notifier(ctx),
            publish_at=publish_at,
            reason=sent["reason"],
        )
        return None if done is None else done[1]

    try:
        notified = await ctx.write(write)
    except NotifyDecisionNeeded as question:
        context = {"row": row, "sent": sent, "action": chosen, "count": question.count}
        return render_admin(request, "admin/event_confirm.html", context, user=user)
    except EventRefused as refused:
        problems = {name: Problem(code) for name, code in refused.errors.items()}
        return await render_event_form(
            request,
            user,
            stored,
            row=row,
            publish_form=sent,
            publish_errors=problems,
            status_code=400,
        )
    if notified is None:
        raise HTTPException(status_code=404)
    path = request.app.url_path_for("admin_event", slug=row.event.slug)
    query = f"saved=1&notified={notified}" if notified else "saved=1"
    return RedirectResponse(f"{path}?{query}", status_code=303)


def _render_delete(
    request: Request, user: User, context: dict[str, Any], status_code: int = 200
) -> Response:
    row = context["row"]
    context["must_cancel"] = bool(row.registered) and row.event.status != EventStatus.cancelled
    return render_admin(
        request, "admin/event_delete.html", context, user=user, status_code=status_code
    )


@requires(UserRole.editor)
async def delete_page(request: Request, user: User) -> Response:
    row, _stored = await load_row(request)
    return _render_delete(request, user, {"row": row})


@requires(UserRole.editor)
async def delete_submit(request: Request, user: User) -> Response:
    ctx = app_context(request)
    row, _stored = await load_row(request)
    event_id, now = row.event.id, ctx.now()
    assert event_id is not None

    def write(session: Session) -> bool:
        return delete_event(session=session, now=now, actor=user, event_id=event_id)

    try:
        deleted = await ctx.write(write)
    except EventRefused:
        # Registrations arrived since the page was shown: show it again, as it now stands.
        row, _stored = await load_row(request)
        return _render_delete(request, user, {"row": row, "refused": True}, status_code=409)
    if not deleted:
        raise HTTPException(status_code=404)
    path = request.app.url_path_for("admin_events")
    return RedirectResponse(f"{path}?deleted=1", status_code=303)


routes: list[BaseRoute] = [
    Route(
        "/admin/events/{slug}/publication",
        publication_submit,
        methods=["POST"],
        name="admin_event_publication",
    ),
    Route("/admin/events/{slug}/delete", delete_page, methods=["GET"], name="admin_event_delete"),
    Route(
        "/admin/events/{slug}/delete",
        delete_submit,
        methods=["POST"],
        name="admin_event_delete_submit",
    ),
]
