"""What the check-in page's script (static/js/checkin.js) talks to, so the door keeps working
when the venue's network drops: the event's door list as JSON, kept on the device; a batch of
check-ins made on the device, sent when it can; and the service worker that keeps the page
itself on the device.

The JSON routes are the back office's like any other (a signed-in editor; a POST carries the
session's CSRF token, here in the X-CSRF-Token header), but a refusal is JSON: a script reads
it, and a redirect to the sign-in page would only look like a broken door list.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from events_app.admin.guards import current_user
from events_app.admin.users import may
from events_app.events.editing import find_event
from events_app.models import Event, User, UserRole
from events_app.registration import checkin, door_sync
from events_app.registration.door_sync import BATCH_LIMIT, Device, Scan
from events_app.resources import STATIC_DIR
from events_app.web.context import app_context
from events_app.web.forms import clean_text

# A device keeps the door list this long after the event ends, then forgets it.
KEEP_AFTER_END = timedelta(hours=12)
_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
WORKER_SCRIPT = STATIC_DIR / "js" / "checkin-sw.js"


def _problem(status: int, error: str) -> JSONResponse:
    return JSONResponse({"error": error}, status_code=status)


JsonEndpoint = Callable[[Request, User], Awaitable[Response]]


def requires_json(role: UserRole) -> Callable[[JsonEndpoint], Callable[[Request], Any]]:
    """@requires for a script's routes: 401 or 403 as JSON, never the sign-in page."""

    def decorate(endpoint: JsonEndpoint) -> Callable[[Request], Any]:
        @wraps(endpoint)
        async def guarded(request: Request) -> Response:
            user = await current_user(request)
            if user is None:
                return _problem(401, "signed_out")
            if not may(user.role, role):
                return _problem(403, "forbidden")
            return await endpoint(request, user)

        guarded.required_role = role  # type: ignore[attr-defined]
        return guarded

    return decorate


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _keep_until(event: Event) -> datetime:
    return event.ends_at + KEEP_AFTER_END


@requires_json(UserRole.editor)
async def door_list(request: Request, _user: User) -> Response:
    slug: str = request.path_params["slug"]
    ctx = app_context(request)

    def load(session: Any) -> dict[str, Any] | None:
        event = find_event(session=session, slug=slug)
        if event is None or event.id is None:
            return None
        entries = door_sync.door_entries(session=session, event_id=event.id)
        return {
            "event": {"slug": event.slug, "title": event.title},
            "keep_until": _iso(_keep_until(event)),
            "loaded_at": _iso(ctx.now()),
            "attendees": [
                {
                    "code": e.code,
                    "name": e.name,
                    "organisation": e.organisation,
                    "guests": e.guests,
                    "checked_in_at": _iso(e.checked_in_at),
                }
                for e in entries
            ],
        }

    data = await ctx.read(load)
    if data is None:
        return _problem(404, "no_such_event")
    return JSONResponse(data)


def _at(raw: object) -> datetime | None:
    if not isinstance(raw, str) or len(raw) > 40:
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def _parse(payload: object) -> tuple[Device, list[Scan]] | None:
    """The batch as the script sends it, or None when it is not one."""
    if not isinstance(payload, dict):
        return None
    device, scans, pending = payload.get("device"), payload.get("checkins"), payload.get("pending")
    if not isinstance(device, dict) or not isinstance(scans, list) or len(scans) > BATCH_LIMIT:
        return None
    key, name = device.get("id"), device.get("name")
    if not isinstance(key, str) or not _ID.fullmatch(key) or not isinstance(name, str | None):
        return None
    if not isinstance(pending, int) or isinstance(pending, bool) or not 0 <= pending <= 100_000:
        return None
    parsed = []
    for scan in scans:
        if not isinstance(scan, dict):
            return None
        client_id, code = scan.get("id"), scan.get("code")
        if not isinstance(client_id, str) or not _ID.fullmatch(client_id):
            return None
        if not isinstance(code, str) or len(code) > 40:
            return None
        parsed.append(Scan(client_id, code, _at(scan.get("at"))))
    return Device(key, clean_text(name, max_length=60) or "", pending), parsed


@requires_json(UserRole.editor)
async def sync(request: Request, user: User) -> Response:
    ctx = app_context(request)
    now = ctx.now()
    slug: str = request.path_params["slug"]
    try:
        payload = await request.json()
    except ValueError:
        return _problem(400, "not_json")
    parsed = _parse(payload)
    if parsed is None:
        return _problem(400, "not_a_batch")
    device, scans = parsed

    def write(session: Any) -> list[door_sync.ScanAnswer] | None:
        event = find_event(session=session, slug=slug)
        if event is None or event.id is None:
            return None
        return door_sync.sync_checkins(
            session=session, now=now, actor=user, event_id=event.id, device=device, scans=scans
        )

    try:
        answers = await ctx.write(write)
    except checkin.EventGone:
        answers = None
    if answers is None:
        return _problem(404, "no_such_event")
    return JSONResponse(
        {
            "synced_at": _iso(now),
            "results": [
                {
                    "id": a.client_id,
                    "outcome": a.outcome,
                    "name": a.name,
                    "checked_in_at": _iso(a.checked_in_at),
                }
                for a in answers
            ],
        }
    )


async def service_worker(_request: Request) -> Response:
    """The check-in page's service worker, served under /admin/ so that it may control the
    check-in pages (a worker's scope is at most its script's folder). It holds no data: open
    to anyone, like the site's other scripts."""
    return Response(WORKER_SCRIPT.read_bytes(), media_type="text/javascript")


routes: list[BaseRoute] = [
    Route(
        "/admin/events/{slug}/checkin/door.json",
        door_list,
        methods=["GET"],
        name="admin_checkin_door",
    ),
    Route(
        "/admin/events/{slug}/checkin/sync",
        sync,
        methods=["POST"],
        name="admin_checkin_sync",
    ),
    Route("/admin/checkin-sw.js", service_worker, methods=["GET"], name="admin_checkin_worker"),
]
