"""Writing to an event's attendees (editors and admins): the form, a preview of the exact
email with the number of recipients, then the send. Nothing is sent without the preview
step's own button; the preview changes nothing. Past the hourly limit the send answers 429
with Retry-After and the form as it was."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from events_app.admin.guards import requires
from events_app.admin.pages import render_admin
from events_app.admin.registration_views import load_event
from events_app.models import Event, User, UserRole
from events_app.registration import messages
from events_app.registration.notify import app_notifier
from events_app.registration.view_support import form_text, read_form, redirect_to
from events_app.web.context import app_context

if TYPE_CHECKING:
    from sqlmodel import Session

    from events_app.mail.composed import ComposedEmail


def _values(form: FormData) -> dict[str, Any]:
    audience = [value for value in form.getlist("audience") if isinstance(value, str)]
    return {
        "audience": audience,
        "subject": form_text(form, "subject"),
        "body": form_text(form, "body"),
    }


async def _render(
    request: Request,
    user: User,
    event: Event,
    *,
    form: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
    draft: messages.MessageDraft | None = None,
    problem: str = "",
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    ctx = app_context(request)
    now, event_id = ctx.now(), event.id
    assert event_id is not None
    per_hour = ctx.settings.admin_messages_per_hour

    def load(session: Session) -> dict[str, Any]:
        sends = messages.recent_sends(session=session, event_id=event_id, now=now)
        loaded: dict[str, Any] = {
            "sizes": messages.audience_sizes(session=session, event_id=event_id),
            "history": messages.history(session=session, event_id=event_id),
            "left": max(0, per_hour - len(sends)),
            "next_at": messages.next_allowed(sends, per_hour),
        }
        if draft is not None:
            people = messages.recipients(
                session=session, event_id=event_id, audience=draft.audience
            )
            loaded["recipient_count"] = len(people)
            loaded["sample"] = people[0] if people else None
        return loaded

    loaded = await ctx.read(load)
    preview: ComposedEmail | None = None
    if draft is not None and loaded["sample"] is not None:
        preview = messages.preview(
            notifier=app_notifier(ctx), event=event, draft=draft, sample=loaded["sample"], now=now
        )
    context = {
        "event": event,
        "form": form or {"audience": ["confirmed"], "subject": "", "body": ""},
        "errors": errors or {},
        "draft": draft,
        "preview": preview,
        "problem": problem,
        "per_hour": per_hour,
        "sent": request.query_params.get("sent", ""),
        **loaded,
    }
    return render_admin(
        request, "admin/message.html", context, user=user, status_code=status_code,
        headers=headers,
    )  # fmt: skip


@requires(UserRole.editor)
async def message_page(request: Request, user: User) -> Response:
    return await _render(request, user, await load_event(request))


async def _read_draft(
    request: Request, user: User
) -> Response | tuple[Event, dict[str, Any], messages.MessageDraft]:
    """The event and the valid draft; or the answer when the form is refused (403 without
    its token, 400 with its input kept and a message beside each field)."""
    form = await read_form(request)
    event = await load_event(request)
    values = _values(form)
    draft, errors = messages.parse_draft(values["audience"], values["subject"], values["body"])
    if draft is None:
        return await _render(request, user, event, form=values, errors=errors, status_code=400)
    return event, values, draft


@requires(UserRole.editor)
async def preview_message(request: Request, user: User) -> Response:
    read = await _read_draft(request, user)
    if isinstance(read, Response):
        return read
    event, values, draft = read
    return await _render(request, user, event, form=values, draft=draft)


def _retry_after(now: datetime, retry_at: datetime | None) -> dict[str, str]:
    seconds = max(1, int((retry_at - now).total_seconds()) + 1) if retry_at else 60
    return {"retry-after": str(seconds)}


@requires(UserRole.editor)
async def send_message(request: Request, user: User) -> Response:
    read = await _read_draft(request, user)
    if isinstance(read, Response):
        return read
    event, values, draft = read
    assert event.id is not None
    ctx = app_context(request)
    now, event_id, valid = ctx.now(), event.id, draft

    def write(session: Session) -> int:
        sent = messages.send_message(
            session=session, now=now, actor=user, event_id=event_id, draft=valid,
            notifier=app_notifier(ctx), per_hour=ctx.settings.admin_messages_per_hour,
        )  # fmt: skip
        return sent.recipients

    try:
        count = await ctx.write(write)
    except messages.MessageRefused as refused:
        limited = refused.code == "rate_limited"
        return await _render(
            request, user, event, form=values, problem=refused.code,
            status_code=429 if limited else 409,
            headers=_retry_after(now, refused.retry_at) if limited else None,
        )  # fmt: skip
    response = redirect_to(request, "admin_message", slug=event.slug)
    response.headers["location"] += f"?sent={count}"
    return response


routes: list[BaseRoute] = [
    Route("/admin/events/{slug}/message", message_page, methods=["GET"], name="admin_message"),
    Route(
        "/admin/events/{slug}/message/preview",
        preview_message,
        methods=["POST"],
        name="admin_message_preview",
    ),
    Route(
        "/admin/events/{slug}/message", send_message, methods=["POST"], name="admin_message_send"
    ),
]
