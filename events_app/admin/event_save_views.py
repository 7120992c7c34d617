"""Saving an existing event's form, and the page that asks "Email N attendees about this
change?" when the save would move the event for confirmed attendees.

That page stands on its own (not inside the form): it says how many would be emailed and
lists what changes, old → new (admin/change_preview.py). It carries every value of the form
as hidden fields, so its three buttons post the same form again: "Save and email them",
"Save without telling them", or "Back to the form", which shows the form with every input
as it was (nothing saved). A cover image chosen with the first post was already checked and
stored (cover_views.take_cover, keyed by content): the hidden `image` field names it, so it
is kept whichever button is pressed, and the form shows it as the chosen image (a file
input cannot be filled again by a page). Nothing is written until a save button is pressed.

The page also carries the edit_version of what it showed; if the event or its confirmed
attendees changed before the choice came back, the choice is not applied: the page is
asked again as things now stand (or, when no question remains, the form is saved as any
save would be).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from events_app.admin.change_preview import preview_changes
from events_app.admin.cover_form import FILE_FIELD
from events_app.admin.event_list import EventRow
from events_app.admin.event_views import (
    NOTIFY_CHOICES,
    Checked,
    check_form,
    load_row,
    read_event_form,
    refused_problems,
    render_event_form,
    to_event,
)
from events_app.admin.form_errors import text
from events_app.admin.guards import requires
from events_app.admin.local_times import Problem
from events_app.admin.markdown_preview import preview_markdown
from events_app.admin.pages import render_admin
from events_app.events.publishing import Publication, publish_event
from events_app.events.writes import (
    EventRefused,
    NotifyDecisionNeeded,
    StaleDecision,
    edit_version,
    update_event,
)
from events_app.models import EventStatus, User, UserRole
from events_app.registration.notify import app_notifier
from events_app.web.context import app_context

if TYPE_CHECKING:
    from sqlmodel import Session

VERSION_FIELD = "notify_version"
BACK = "back"  # the notify page's "Back to the form"


def hidden_fields(form: dict[str, Any]) -> list[tuple[str, str]]:
    """The form's values as a browser would send them again: a list once per item, a ticked
    box as "1", an unticked one not at all."""
    fields: list[tuple[str, str]] = []
    for name, value in form.items():
        if isinstance(value, bool):
            if value:
                fields.append((name, "1"))
        elif isinstance(value, list):
            fields.extend((name, str(item)) for item in value)
        else:
            fields.append((name, str(value)))
    return fields


async def _save(
    request: Request,
    user: User,
    row: EventRow,
    checked: Checked,
    notify: bool | None = None,
    seen: str | None = None,
) -> tuple[str, int] | None:
    """Save under the event's lock; (slug, how many emailed). Raises as update_event does;
    `seen`: the edit_version the `notify` decision was made on."""
    ctx = app_context(request)
    valid, now, notifier, event_id = checked.data, ctx.now(), app_notifier(ctx), row.event.id
    assert valid is not None
    assert event_id is not None

    def write(session: Session) -> tuple[str, int] | None:
        done = update_event(
            session=session,
            now=now,
            actor=user,
            event_id=event_id,
            data=valid,
            notify=notify,
            notifier=notifier,
            seen=seen,
        )
        if done is not None and checked.publication is not None:
            published = publish_event(
                session=session,
                now=now,
                actor=user,
                event_id=event_id,
                action=checked.publication,
                notify=notify,
                notifier=notifier,
                publish_at=checked.publish_at,
            )
            if published is not None:  # the emails, if any, went with the publishing
                done = (published[0], done[1] + published[1])
        return None if done is None else (done[0].slug, done[1])

    return await ctx.write(write)


def _status(checked: Checked) -> str | None:
    """The status a draft's publishing choice gives it on saving (None: as the form says)."""
    if checked.publication in (Publication.publish, Publication.schedule):
        return EventStatus.published.value
    return None


def _ask(
    request: Request,
    user: User,
    row: EventRow,
    form: dict[str, Any],
    checked: Checked,
    count: int,
    *,
    stale: bool = False,
) -> Response:
    assert checked.data is not None
    language = app_context(request).settings.language
    context = {
        "row": row,
        "count": count,
        "changes": preview_changes(row.event, checked.data, language, status=_status(checked)),
        "fields": hidden_fields(form),
        "version_field": VERSION_FIELD,
        "version": edit_version(row.event, count),
        "stale": stale,
    }
    # 409 when asked again: the answer given was about a change that no longer stands.
    status = 409 if stale else 200
    return render_admin(request, "admin/event_notify.html", context, user=user, status_code=status)


@requires(UserRole.editor)
async def update_event_submit(request: Request, user: User) -> Response:
    row, _stored = await load_row(request)
    raw, form, upload = await read_event_form(request)
    action = raw.get("action")
    if action in ("preview", BACK):
        preview: Any = None
        problems: dict[str, Problem] = {}
        if action == "preview":
            preview, problems = await preview_markdown(form["description"], "description")
        problems = {**problems, FILE_FIELD: upload} if upload else problems
        status = 400 if problems else 200
        return await render_event_form(
            request, user, form, row=row, preview=preview, errors=problems, status_code=status
        )
    checked = await check_form(request, form, row, upload)
    if checked.data is None:
        return await render_event_form(
            request, user, form, row=row, errors=checked.problems, status_code=400
        )
    notify = NOTIFY_CHOICES.get(text(raw, "notify"))
    # A decision always comes with what it was made on; without it, it counts as stale.
    seen = (text(raw, VERSION_FIELD) or "-") if notify is not None else None
    try:
        saved = await _save(request, user, row, checked, notify, seen)
    except StaleDecision:
        # Asked again about the event as it now stands: its stored values (the status the
        # form keeps, the old side of each change) are read afresh.
        row, _stored = await load_row(request)
        checked = await check_form(request, form, row, None)
        return await _retry(request, user, row, form, checked)
    except NotifyDecisionNeeded as question:
        return _ask(request, user, row, form, checked, question.count)
    except EventRefused as refused:
        return await render_event_form(
            request, user, form, row=row, errors=refused_problems(refused), status_code=400
        )
    return _done(request, saved)


async def _retry(
    request: Request,
    user: User,
    row: EventRow,
    form: dict[str, Any],
    checked: Checked,
) -> Response:
    if checked.data is None:  # e.g. an article the form names was removed meanwhile
        return await render_event_form(
            request, user, form, row=row, errors=checked.problems, status_code=400
        )
    try:
        saved = await _save(request, user, row, checked)
    except NotifyDecisionNeeded as question:
        return _ask(request, user, row, form, checked, question.count, stale=True)
    except EventRefused as refused:
        return await render_event_form(
            request, user, form, row=row, errors=refused_problems(refused), status_code=400
        )
    return _done(request, saved)


def _done(request: Request, saved: tuple[str, int] | None) -> Response:
    if saved is None:
        raise HTTPException(status_code=404)
    slug, notified = saved
    return to_event(request, slug, f"saved=1&notified={notified}" if notified else "saved=1")


routes: list[BaseRoute] = [
    Route("/admin/events/{slug}", update_event_submit, methods=["POST"], name="admin_event_update"),
]
