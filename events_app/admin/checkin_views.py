"""The check-in page at the door, made for a phone: a code field at the top (typed, or filled
by a scanner that types the code and presses Enter), the counts, a search, and the seated
attendees with "Mark attended" and "Undo".

Each POST answers with the page itself, the outcome at the top and the code field empty and
focused again for the next person: at a door, one scan after another, a redirect would only
add a round trip. Sending a form again (a reload) repeats nothing: a second check-in of the
same person answers "already checked in".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from events_app.admin.guards import requires
from events_app.admin.pages import render_admin
from events_app.events.editing import find_event
from events_app.models import CheckinDevice, User, UserRole
from events_app.registration import checkin
from events_app.registration.checkin import CheckinResult, Outcome
from events_app.registration.door_list import DoorList, load_door_list
from events_app.registration.door_sync import door_devices
from events_app.registration.view_support import form_text, read_form
from events_app.web.context import app_context
from events_app.web.forms import clean_text

if TYPE_CHECKING:
    from sqlmodel import Session
    from starlette.datastructures import FormData

MAX_ID = 2**31 - 1
CAMERA_HERE = "camera=(self), microphone=(), geolocation=()"
STATUS = {
    Outcome.checked_in: 200,
    Outcome.undone: 200,
    Outcome.already: 409,
    Outcome.not_checked_in: 409,
    Outcome.not_admitted: 409,
    Outcome.other_event: 422,  # understood, but not a registration for this event
    Outcome.unknown: 422,
    Outcome.invalid: 400,
}


def _search(raw: str | None) -> str | None:
    return clean_text(raw, max_length=200)


async def _page(
    request: Request,
    user: User,
    *,
    search: str | None,
    result: CheckinResult | None = None,
    code: str = "",
) -> Response:
    slug: str = request.path_params["slug"]

    def load(session: Session) -> tuple[DoorList, list[CheckinDevice]] | None:
        door = load_door_list(session=session, slug=slug, search=search)
        if door is None or door.event.id is None:
            return None
        return door, door_devices(session=session, event_id=door.event.id)

    loaded = await app_context(request).read(load)
    if loaded is None:
        raise HTTPException(status_code=404)
    door, devices = loaded
    context = {
        "door": door,
        "devices": devices,
        "search": search or "",
        "result": result,
        "code": code,
    }
    status = STATUS[result.outcome] if result else 200
    response = render_admin(request, "admin/checkin.html", context, user=user, status_code=status)
    # The scanner needs the camera, which every other page refuses (web/security.py).
    response.headers["permissions-policy"] = CAMERA_HERE
    return response


@requires(UserRole.editor)
async def checkin_page(request: Request, user: User) -> Response:
    return await _page(request, user, search=_search(request.query_params.get("q")))


# A change, given the write session, the event's id and the posted form.
Change = Callable[["Session", int, "FormData"], CheckinResult]


async def _post(request: Request, user: User, change: Change, *, row: bool = False) -> Response:
    """CSRF first, then the change in one write transaction under the event's lock, then the
    page with its outcome. `row`: a list button, whose unknown registration is a 404."""
    ctx = app_context(request)
    form = await read_form(request)
    slug: str = request.path_params["slug"]

    def write(session: Session) -> CheckinResult | None:
        event = find_event(session=session, slug=slug)
        if event is None:
            return None
        assert event.id is not None
        return change(session, event.id, form)

    try:
        result = await ctx.write(write)
    except checkin.EventGone:
        result = None
    if result is None or (row and result.outcome == Outcome.unknown):
        raise HTTPException(status_code=404)
    search = _search(form_text(form, "q"))
    # Keep what was typed when it was not a code, so it can be corrected; else start afresh.
    kept = form_text(form, "code")[:40] if result.outcome == Outcome.invalid else ""
    return await _page(request, user, search=search, result=result, code=kept)


@requires(UserRole.editor)
async def checkin_code(request: Request, user: User) -> Response:
    ctx = app_context(request)
    now = ctx.now()

    def change(session: Session, event_id: int, form: FormData) -> CheckinResult:
        return checkin.check_in_by_code(
            session=session, now=now, actor=user, event_id=event_id,
            code=form_text(form, "code"),
        )  # fmt: skip

    return await _post(request, user, change)


async def _row_action(request: Request, user: User, *, undo: bool) -> Response:
    ctx = app_context(request)
    now = ctx.now()
    registration_id: int = request.path_params["registration_id"]
    if registration_id > MAX_ID:  # more than the id column holds: simply not found
        raise HTTPException(status_code=404)
    action = checkin.undo_check_in if undo else checkin.check_in

    def change(session: Session, event_id: int, _form: FormData) -> CheckinResult:
        return action(
            session=session, now=now, actor=user, event_id=event_id,
            registration_id=registration_id,
        )  # fmt: skip

    return await _post(request, user, change, row=True)


@requires(UserRole.editor)
async def mark_attended(request: Request, user: User) -> Response:
    return await _row_action(request, user, undo=False)


@requires(UserRole.editor)
async def undo_attended(request: Request, user: User) -> Response:
    return await _row_action(request, user, undo=True)


routes: list[BaseRoute] = [
    Route("/admin/events/{slug}/checkin", checkin_page, methods=["GET"], name="admin_checkin"),
    Route(
        "/admin/events/{slug}/checkin",
        checkin_code,
        methods=["POST"],
        name="admin_checkin_code",
    ),
    Route(
        "/admin/events/{slug}/checkin/{registration_id:int}/attend",
        mark_attended,
        methods=["POST"],
        name="admin_checkin_attend",
    ),
    Route(
        "/admin/events/{slug}/checkin/{registration_id:int}/undo",
        undo_attended,
        methods=["POST"],
        name="admin_checkin_undo",
    ),
]
