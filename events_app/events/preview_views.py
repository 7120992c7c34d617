"""The page a preview link opens: the event's public page, exactly, with a "Preview: not
public" banner, for anyone holding the link and no one else (events/preview_links.py).

Every answer here, the page and its refusals alike, is private and never stored (`private,
no-store`: not by the page cache, a proxy or the browser's history cache), kept out of search
engines (`X-Robots-Tag: noindex`) and sends no Referer onward, as the address holds the token.
An edited token, one for another event and a deleted event all get the same 404; an expired
one a 410 that says so. Once the event is live the link leads to its public page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from events_app.events.preview_links import read_preview_token
from events_app.events.queries import event_is_live
from events_app.registration.pages import load_event_preview
from events_app.registration.views import render_event_page
from events_app.web.context import app_context, render_page

if TYPE_CHECKING:
    from sqlmodel import Session

    from events_app.registration.pages import EventPage

PREVIEW_HEADERS = {
    "cache-control": "private, no-store",
    "x-robots-tag": "noindex",
    "referrer-policy": "no-referrer",
}


def _refused(request: Request, *, expired: bool) -> Response:
    status = 410 if expired else 404
    context = {"expired": expired}
    return render_page(request, "events/preview_refused.html", context, status_code=status)


async def _answer(request: Request) -> Response:
    ctx = app_context(request)
    slug: str = request.path_params["slug"]
    claim = read_preview_token(ctx.settings.secret_key, request.path_params["token"])
    if claim is None:  # edited, cut short or not ours: the database is not asked
        return _refused(request, expired=False)
    now, event_id = ctx.now(), claim.event_id

    def load(session: Session) -> EventPage | None:
        return load_event_preview(session=session, event_id=event_id, now=now)

    page = await ctx.read(load)
    # The address's slug must be the event's own: a link made for one event opens no other.
    if page is None or page.event.slug != slug:
        return _refused(request, expired=False)
    if event_is_live(page.event, now):  # nothing private left to show
        return RedirectResponse(ctx.urls.path("event_detail", slug=slug), status_code=302)
    if claim.expired(now):
        return _refused(request, expired=True)
    return render_event_page(request, page, preview_until=claim.expires_at)


async def event_preview(request: Request) -> Response:
    response = await _answer(request)
    response.headers.update(PREVIEW_HEADERS)
    return response


routes = [
    Route("/events/{slug}/preview/{token}", event_preview, name="event_preview"),
]
