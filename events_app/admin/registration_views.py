"""An event's registrations in the back office (editors and admins): the counts and seats
left, the list (searched, filtered, a page at a time), adding someone by hand, the capacity,
and the CSV export. One registration's page and its actions are in
registration_detail_views.py. Bad input comes back in the form with a message beside the
field; each change is one transaction with its emails and audit entry."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter, ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from events_app.admin.guards import requires
from events_app.admin.pages import render_admin
from events_app.events.editing import find_event
from events_app.events.questions import questions_of
from events_app.events.schemas import Capacity
from events_app.models import Event, RegistrationStatus, User, UserRole
from events_app.registration import organiser, roster
from events_app.registration.notify import app_notifier
from events_app.registration.roster_csv import CsvLabels, roster_csv
from events_app.registration.schemas import AttendeeDetails
from events_app.registration.view_support import field_errors, form_text, read_form, redirect_to
from events_app.translations import catalogue
from events_app.web.context import app_context
from events_app.web.downloads import content_disposition
from events_app.web.forms import clean_text, parse_choice, parse_page

if TYPE_CHECKING:
    from sqlmodel import Session

PAGE_SIZE = 50
ADD_FIELDS = ("name", "email", "organisation")
_CAPACITY = TypeAdapter(Capacity)


async def load_event(request: Request) -> Event:
    """The event named by the path's slug, whatever its status (drafts too); 404 if none."""
    slug: str = request.path_params["slug"]
    event = await app_context(request).read(lambda session: find_event(session=session, slug=slug))
    if event is None:
        raise HTTPException(status_code=404)
    return event


def _filters(request: Request) -> tuple[roster.RosterFilters, dict[str, str], bool]:
    """The list's filters, the raw values (for the form and the links), and whether the
    status could be read (an unknown one is left out, and said so)."""
    raw = {name: request.query_params.get(name, "") for name in ("q", "status")}
    status, status_ok = parse_choice(raw["status"], RegistrationStatus)
    query = clean_text(raw["q"], max_length=roster.SEARCH_MAX) or ""
    return roster.RosterFilters(query=query, status=status), raw, status_ok


async def _render_list(
    request: Request,
    user: User,
    event: Event,
    *,
    add_form: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
    capacity_form: str | None = None,
    status_code: int = 200,
) -> Response:
    ctx = app_context(request)
    filters, raw, status_ok = _filters(request)
    number = parse_page(request.query_params.get("page"))
    now, event_id = ctx.now(), event.id
    assert event_id is not None

    def load(session: Session) -> tuple[Any, Any, dict[int, int]]:
        summary = roster.roster_summary(session=session, event=event, now=now)
        page = roster.list_registrations(
            session=session, event_id=event_id, filters=filters, page=number, page_size=PAGE_SIZE
        )
        return summary, page, roster.waitlist_positions(session=session, event_id=event_id)

    summary, page, positions = await ctx.read(load)
    params = {name: value for name, value in raw.items() if value}
    context = {
        "event": event,
        "summary": summary,
        "page": page,
        "positions": positions,
        "raw": raw,
        "status_ok": status_ok,
        "filter_params": params,
        "statuses": list(RegistrationStatus),
        "add_form": add_form or dict.fromkeys(ADD_FIELDS, ""),
        "capacity_form": capacity_form if capacity_form is not None else event.capacity,
        "errors": errors or {},
        "flash": request.query_params.get("done", ""),
        "promoted": request.query_params.get("promoted", ""),
    }
    return render_admin(
        request, "admin/registrations.html", context, user=user, status_code=status_code
    )


@requires(UserRole.editor)
async def registrations_page(request: Request, user: User) -> Response:
    return await _render_list(request, user, await load_event(request))


@requires(UserRole.editor)
async def add_registration(request: Request, user: User) -> Response:
    ctx = app_context(request)
    form = await read_form(request)
    event = await load_event(request)
    values = {name: form_text(form, name) for name in ADD_FIELDS}
    try:
        data = AttendeeDetails.model_validate(values)
    except ValidationError as exc:
        errors = field_errors(exc, values)
        return await _render_list(
            request, user, event, add_form=values, errors=errors, status_code=400
        )
    now, event_id = ctx.now(), event.id
    assert event_id is not None

    def write(session: Session) -> int | None:
        added = organiser.add_attendee(
            session=session, now=now, actor=user, event_id=event_id, data=data,
            notifier=app_notifier(ctx),
        )  # fmt: skip
        return added.id

    try:
        added_id = await ctx.write(write)
    except organiser.OrganiserRefused as refused:
        field = "email" if refused.code == "already_registered" else "add"
        errors = {field: refused.code}
        return await _render_list(
            request, user, event, add_form=values, errors=errors, status_code=409
        )
    response = redirect_to(
        request, "admin_registration", slug=event.slug, registration_id=str(added_id)
    )
    response.headers["location"] += "?done=added"
    return response


def parse_capacity(raw: str) -> tuple[int | None, bool]:
    """Blank: no limit. Otherwise a whole number within what an event may have."""
    text = raw.strip()
    if not text:
        return None, True
    try:
        return _CAPACITY.validate_python(int(text)), True
    except (ValueError, ValidationError):
        return None, False


@requires(UserRole.editor)
async def change_capacity(request: Request, user: User) -> Response:
    ctx = app_context(request)
    form = await read_form(request)
    event = await load_event(request)
    raw = form_text(form, "capacity")
    capacity, ok = parse_capacity(raw)
    if not ok:
        errors = {"capacity": "capacity"}
        return await _render_list(
            request, user, event, capacity_form=raw, errors=errors, status_code=400
        )
    now, event_id = ctx.now(), event.id
    assert event_id is not None

    def write(session: Session) -> int:
        _event, promoted = organiser.set_capacity(
            session=session, now=now, actor=user, event_id=event_id, capacity=capacity,
            notifier=app_notifier(ctx),
        )  # fmt: skip
        return promoted

    promoted = await ctx.write(write)
    response = redirect_to(request, "admin_registrations", slug=event.slug)
    response.headers["location"] += f"?done=capacity&promoted={promoted}"
    return response


def csv_labels(language: str) -> CsvLabels:
    _ = catalogue(language).gettext
    return CsvLabels(
        name=_("Name"), email=_("Email address"), organisation=_("Organisation"),
        status=_("Status"), registered_at=_("Registered at"), confirmed_at=_("Confirmed at"),
        attended=_("Attended"), yes=_("yes"), no=_("no"), guests=_("Guests"),
    )  # fmt: skip


@requires(UserRole.editor)
async def registrations_csv(request: Request, user: User) -> Response:
    """The list as the filters select it, every page of it, as a file for spreadsheets."""
    ctx = app_context(request)
    event = await load_event(request)
    filters, _raw, _ok = _filters(request)
    event_id = event.id
    assert event_id is not None
    registrations = await ctx.read(
        lambda session: roster.all_registrations(
            session=session, event_id=event_id, filters=filters
        )
    )
    body = roster_csv(
        registrations,
        tz=ctx.site_tz,
        labels=csv_labels(ctx.settings.language),
        questions=questions_of(event.questions),
    )
    filename = f"{event.slug}-registrations.csv"
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": content_disposition("attachment", filename)},
    )


routes: list[BaseRoute] = [
    Route(
        "/admin/events/{slug}/registrations",
        registrations_page,
        methods=["GET"],
        name="admin_registrations",
    ),
    Route(
        "/admin/events/{slug}/registrations.csv",
        registrations_csv,
        methods=["GET"],
        name="admin_registrations_csv",
    ),
    Route(
        "/admin/events/{slug}/registrations/add",
        add_registration,
        methods=["POST"],
        name="admin_registration_add",
    ),
    Route(
        "/admin/events/{slug}/capacity",
        change_capacity,
        methods=["POST"],
        name="admin_event_capacity",
    ),
]
