"""Making a preview link for an event that is not live yet (a draft, or scheduled): a private
address showing its public page, to send to someone without an account. Each press of the
button makes a new link, recorded in the audit log; the page shows it once, to copy. The link
and the page it opens are events/preview_links.py and events/preview_views.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from babel.dates import format_datetime
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from events_app.admin.event_views import load_row
from events_app.admin.guards import requires
from events_app.admin.pages import read_admin_form, render_admin
from events_app.events.preview_links import PREVIEW_LINK_LIFETIME, create_preview_link
from events_app.models import UserRole
from events_app.timezones import zone, zone_label
from events_app.web.context import app_context

if TYPE_CHECKING:
    from sqlmodel import Session

    from events_app.events.preview_links import PreviewLink
    from events_app.models import User


@requires(UserRole.editor)
async def preview_link_submit(request: Request, user: User) -> Response:
    ctx = app_context(request)
    await read_admin_form(request)  # its CSRF token was checked before this runs
    row, _stored = await load_row(request)
    now, event_id, secret = ctx.now(), row.event.id, ctx.settings.secret_key
    assert event_id is not None

    def write(session: Session) -> PreviewLink | None:
        return create_preview_link(
            session=session, now=now, actor=user, event_id=event_id, secret_key=secret
        )

    link = await ctx.write(write)
    if link is None:  # live since the page was shown: its public page is the one to send
        path = request.app.url_path_for("admin_event", slug=row.event.slug)
        return RedirectResponse(str(path), status_code=303)
    # Shown in the event's own zone and named, as every time on the event's page is.
    local = link.expires_at.astimezone(zone(link.timezone))
    expires = format_datetime(local, "d MMMM y, HH:mm", locale=ctx.settings.language)
    context = {
        "row": row,
        "url": ctx.urls("event_preview", slug=link.slug, token=link.token),
        "expires_at": link.expires_at,
        "expires": f"{expires} {zone_label(local)}",
        "lifetime_days": PREVIEW_LINK_LIFETIME.days,
    }
    return render_admin(request, "admin/event_preview_link.html", context, user=user)


routes: list[BaseRoute] = [
    Route(
        "/admin/events/{slug}/preview-link",
        preview_link_submit,
        methods=["POST"],
        name="admin_event_preview_link",
    ),
]
