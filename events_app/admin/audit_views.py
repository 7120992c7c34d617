"""The audit log page (admins only): newest first, a page at a time, filtered by who, what,
on what kind of thing, and between which days (in the site's timezone)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from events_app.admin.guards import requires
from events_app.admin.pages import render_admin
from events_app.admin.users import list_users
from events_app.audit.records import AuditFilters, audit_choices, changes, list_audit
from events_app.models import User, UserRole
from events_app.timezones import day_start
from events_app.web.context import app_context
from events_app.web.forms import clean_text, parse_date, parse_page

if TYPE_CHECKING:
    from sqlmodel import Session

    from events_app.models import AuditEntry
    from events_app.pagination import Page

PAGE_SIZE = 50
FILTER_NAMES = ("actor", "action", "target", "from", "to")
COMMAND_LINE = "cli"  # the actor filter's value for changes made from the command line


def _day(day: date | None, tz: ZoneInfo, *, after: bool = False) -> datetime | None:
    if day is None:
        return None
    return day_start(day + timedelta(days=1) if after else day, tz)


def parse_filters(params: dict[str, str], tz: ZoneInfo) -> tuple[AuditFilters, dict[str, bool]]:
    """The filters, and which of them could not be read (those are left out)."""
    date_from, from_ok = parse_date(params.get("from"))
    date_to, to_ok = parse_date(params.get("to"))
    actor = params.get("actor", "")
    actor_ok = actor in ("", COMMAND_LINE) or (actor.isdigit() and len(actor) < 10)
    filters = AuditFilters(
        actor_id=int(actor) if actor_ok and actor.isdigit() else None,
        command_line=actor == COMMAND_LINE,
        action=clean_text(params.get("action"), max_length=60),
        target_type=clean_text(params.get("target"), max_length=40),
        since=_day(date_from, tz),
        until=_day(date_to, tz, after=True),  # "to" is the last day shown, inclusive
    )
    errors = {
        name: True for name, ok in (("actor", actor_ok), ("from", from_ok), ("to", to_ok)) if not ok
    }
    return filters, errors


@requires(UserRole.admin)
async def audit_log(request: Request, user: User) -> Response:
    ctx = app_context(request)
    raw = {name: request.query_params.get(name, "") for name in FILTER_NAMES}
    filters, errors = parse_filters(raw, ctx.site_tz)
    number = parse_page(request.query_params.get("page"))

    def load(session: Session) -> tuple[Page[AuditEntry], list[str], list[str], list[User]]:
        page = list_audit(session=session, filters=filters, page=number, page_size=PAGE_SIZE)
        actions, targets = audit_choices(session=session)
        return page, actions, targets, list_users(session=session)

    page, actions, targets, actors = await ctx.read(load)
    entries = [(entry, changes(entry)) for entry in page.items]
    context = {
        "page": page,
        "entries": entries,
        "raw": raw,
        "errors": errors,
        "filter_params": {name: value for name, value in raw.items() if value},
        "actions": actions,
        "targets": targets,
        "actors": actors,
        "command_line": COMMAND_LINE,
    }
    return render_admin(request, "admin/audit.html", context, user=user)


routes: list[BaseRoute] = [
    Route("/admin/audit", audit_log, methods=["GET"], name="admin_audit"),
]
