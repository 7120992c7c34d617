"""The back office's events: the list, the form for a new event (blank, or a copy of
another), and each event's page with its form. A "Preview" button shows the description as
the public page renders it, without saving; bad input comes back with a message beside each
field. Saving an existing event (and asking whether to email its attendees) is in
event_save_views; publishing and deleting in event_action_views."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from events_app.admin import event_form
from events_app.admin.cover_form import FILE_FIELD
from events_app.admin.cover_views import take_cover
from events_app.admin.event_list import EventRow, Standing, find_row, list_events
from events_app.admin.form_errors import text
from events_app.admin.guards import requires
from events_app.admin.local_times import Problem, wall_value
from events_app.admin.markdown_preview import preview_markdown
from events_app.admin.pages import read_admin_form, render_admin
from events_app.admin.publish_choice import offers_publishing, publishing_choice
from events_app.events.editing import find_event
from events_app.events.preview_links import PREVIEW_LINK_LIFETIME
from events_app.events.publishing import Publication, allowed_publications, publish_event
from events_app.events.schemas import EventCreate
from events_app.events.writes import EventRefused, create_event
from events_app.models import EventFormat, User, UserRole
from events_app.registration.notify import app_notifier
from events_app.timezones import timezone_names, zone
from events_app.web.context import app_context
from events_app.web.forms import clean_text, parse_choice, parse_page

if TYPE_CHECKING:
    from sqlmodel import Session

NOTIFY_CHOICES = {"yes": True, "no": False}
# `confirm`: "yes" once the organiser has seen what cancelling or postponing does.
PUBLISH_FIELDS = ("action", "publish_at", "publish_at_offset", "reason", "confirm")


@requires(UserRole.editor)
async def event_list(request: Request, user: User) -> Response:
    ctx = app_context(request)
    params = request.query_params
    wanted, wanted_ok = parse_choice(params.get("standing"), Standing)
    query = clean_text(params.get("q"))
    number, now = parse_page(params.get("page")), ctx.now()
    page = await ctx.read(
        lambda session: list_events(
            session=session, now=now, wanted=wanted, query=query, page=number
        )
    )
    context = {
        "page": page,
        "standings": list(Standing),
        "raw": {"standing": wanted.value if wanted else "", "q": query or ""},
        "errors": {} if wanted_ok else {"standing": "choice"},
    }
    status = 200 if wanted_ok else 400
    return render_admin(request, "admin/events.html", context, user=user, status_code=status)


async def render_event_form(
    request: Request,
    user: User,
    form: dict[str, Any],
    *,
    row: EventRow | None = None,
    errors: dict[str, Problem] | None = None,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    ctx = app_context(request)
    choices = await ctx.read(lambda session: event_form.load_choices(session=session))
    context: dict[str, Any] = {
        "form": form,
        "errors": errors or {},
        "choices": choices,
        "timezones": timezone_names(),
        "formats": list(EventFormat),
        "row": row,
        "preview": False,
        "offers_publishing": offers_publishing(row.event if row else None),
        **extra,
    }
    if row is not None:
        event, now = row.event, ctx.now()
        context["publications"] = allowed_publications(event, now)
        context["preview_days"] = PREVIEW_LINK_LIFETIME.days
        context["publish_at"] = wall_value(event.publish_at, zone(event.timezone))
        context.setdefault(
            "publish_form", {"publish_at": "", "publish_at_offset": "", "reason": ""}
        )
        context.setdefault("publish_errors", {})
    template = "admin/event_edit.html" if row is not None else "admin/event_new.html"
    return render_admin(request, template, context, user=user, status_code=status_code)


async def load_row(request: Request) -> tuple[EventRow, dict[str, Any]]:
    """The event the path names, with its form as stored; 404 when there is none."""
    ctx = app_context(request)
    slug, now = request.path_params["slug"], ctx.now()

    def load(session: Any) -> tuple[EventRow, dict[str, Any]] | None:
        row = find_row(session=session, now=now, slug=slug)
        return None if row is None else (row, event_form.form_from_event(row.event))

    found = await ctx.read(load)
    if found is None:
        raise HTTPException(status_code=404)
    return found


@requires(UserRole.editor)
async def new_event(request: Request, user: User) -> Response:
    form = event_form.blank_form(app_context(request).settings.timezone)
    return await render_event_form(request, user, form)


@requires(UserRole.editor)
async def duplicate_event(request: Request, user: User) -> Response:
    ctx = app_context(request)
    slug = request.path_params["slug"]

    def load(session: Any) -> dict[str, Any] | None:
        event = find_event(session=session, slug=slug)
        return None if event is None else event_form.duplicate_form(session=session, event=event)

    form = await ctx.read(load)
    if form is None:
        raise HTTPException(status_code=404)
    return await render_event_form(request, user, form, copied_from=slug)


@dataclass(frozen=True)
class Checked:
    """The form read and checked: what to save (None when a problem stands in the way), the
    publishing action to take after it (a new event or a draft only) and its moment."""

    data: EventCreate | None
    problems: dict[str, Problem]
    publication: Publication | None = None
    publish_at: datetime | None = None


async def check_form(
    request: Request, form: dict[str, Any], row: EventRow | None, upload: Problem | None
) -> Checked:
    choices = await app_context(request).read(
        lambda session: event_form.load_choices(session=session)
    )
    kept = row.event if row else None
    data, problems = event_form.to_event_create(
        form, kept=kept, categories=choices.categories, articles=choices.article_slugs
    )
    publication, publish_at = publishing_choice(form, kept, problems)
    if upload is not None:
        problems = {**problems, FILE_FIELD: upload}
    if problems:
        return Checked(None, problems)
    return Checked(data, problems, publication, publish_at)


async def read_event_form(request: Request) -> tuple[Any, dict[str, Any], Problem | None]:
    """The form as sent, with its cover image stored (or the file's Problem)."""
    raw = await read_admin_form(request, max_files=1)
    form = event_form.read_form(raw)
    return raw, form, await take_cover(request, raw, form)


def refused_problems(refused: EventRefused) -> dict[str, Problem]:
    return {name: Problem(code) for name, code in refused.errors.items()}


@requires(UserRole.editor)
async def create_event_submit(request: Request, user: User) -> Response:
    ctx = app_context(request)
    raw, form, upload = await read_event_form(request)
    copied_from = clean_text(text(raw, "copied_from"))
    if raw.get("action") == "preview":
        preview, problems = await preview_markdown(form["description"], "description")
        problems = {**problems, FILE_FIELD: upload} if upload else problems
        return await render_event_form(
            request,
            user,
            form,
            preview=preview,
            errors=problems,
            status_code=400 if problems else 200,
            copied_from=copied_from,
        )
    checked = await check_form(request, form, None, upload)
    if checked.data is None:
        return await render_event_form(
            request, user, form, errors=checked.problems, status_code=400, copied_from=copied_from
        )
    valid, now, notifier = checked.data, ctx.now(), app_notifier(ctx)

    def write(session: Session) -> str:
        event = create_event(
            session=session, now=now, actor=user, data=valid, copied_from=copied_from
        )
        assert event.id is not None
        if checked.publication is not None:  # a new event has nobody to tell
            publish_event(
                session=session,
                now=now,
                actor=user,
                event_id=event.id,
                action=checked.publication,
                notify=None,
                notifier=notifier,
                publish_at=checked.publish_at,
            )
        return event.slug

    try:
        slug = await ctx.write(write)
    except EventRefused as refused:
        return await render_event_form(
            request,
            user,
            form,
            errors=refused_problems(refused),
            status_code=400,
            copied_from=copied_from,
        )
    return to_event(request, slug, "created=1")


def to_event(request: Request, slug: str, query: str) -> Response:
    path = request.app.url_path_for("admin_event", slug=slug)
    return RedirectResponse(f"{path}?{query}", status_code=303)


@requires(UserRole.editor)
async def event_page(request: Request, user: User) -> Response:
    row, form = await load_row(request)
    flags = request.query_params
    notified = parse_page(flags.get("notified")) if flags.get("notified") else 0
    return await render_event_form(
        request,
        user,
        form,
        row=row,
        created=flags.get("created") == "1",
        saved=flags.get("saved") == "1",
        notified=notified,
    )


routes: list[BaseRoute] = [
    Route("/admin/events", event_list, methods=["GET"], name="admin_events"),
    Route("/admin/events/new", new_event, methods=["GET"], name="admin_event_new"),
    Route("/admin/events/new", create_event_submit, methods=["POST"], name="admin_event_create"),
    Route("/admin/events/{slug}", event_page, methods=["GET"], name="admin_event"),
    Route(
        "/admin/events/{slug}/duplicate",
        duplicate_event,
        methods=["GET"],
        name="admin_event_duplicate",
    ),
]
