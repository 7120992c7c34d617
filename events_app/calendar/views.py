"""Calendar files over HTTP: the public feeds, one event's download, an attendee's own feed,
and the page that explains how to subscribe.

Feeds answer conditional requests (ETag, Last-Modified) themselves, so a poller gets a 304
whether or not the page cache holds the feed; public ones may be kept briefly by proxies.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events_app.calendar.downloads import CalendarFile, attendee_file, event_file, registration_file
from events_app.calendar.feed_cache import app_feed_cache, current_feed
from events_app.calendar.feeds import FeedDocument, FeedKind, FeedScope
from events_app.calendar.links import feed_link
from events_app.calendar.vevent import app_calendar_site
from events_app.categories.service import list_categories
from events_app.web.conditional import conditional_response
from events_app.web.context import app_context, render_page
from events_app.web.downloads import content_disposition

if TYPE_CHECKING:
    from sqlmodel import Session

MEDIA_TYPE = "text/calendar"
# Proxies may keep a feed five minutes; after that it must be revalidated (ETag).
PUBLIC_CACHE_CONTROL = "public, max-age=300"
PRIVATE_CACHE_CONTROL = "private, no-cache"


def _respond(
    request: Request,
    document: FeedDocument | CalendarFile,
    *,
    disposition: str,
    cache_control: str = PUBLIC_CACHE_CONTROL,
) -> Response:
    return conditional_response(
        request,
        document.body,
        etag=document.etag,
        last_modified=document.last_modified,
        media_type=MEDIA_TYPE,
        cache_control=cache_control,
        headers={"content-disposition": disposition},
    )


async def _feed(request: Request, scope: FeedScope, filename: str) -> Response:
    ctx = app_context(request)
    now = ctx.now()
    document = await ctx.read(
        lambda session: current_feed(
            session=session,
            now=now,
            scope=scope,
            site=app_calendar_site(ctx),
            cache=app_feed_cache(ctx),
            max_events=ctx.settings.feed_max_events,
        )
    )
    if document is None:
        raise HTTPException(status_code=404)
    return _respond(request, document, disposition=content_disposition("inline", filename))


async def site_feed(request: Request) -> Response:
    return await _feed(request, FeedScope(FeedKind.site), "events.ics")


async def category_feed(request: Request) -> Response:
    slug = request.path_params["slug"]
    return await _feed(request, FeedScope(FeedKind.category, slug), f"{slug}.ics")


async def article_feed(request: Request) -> Response:
    slug = request.path_params["slug"]
    return await _feed(request, FeedScope(FeedKind.article, slug), f"{slug}-events.ics")


async def event_download(request: Request) -> Response:
    ctx = app_context(request)
    now, slug = ctx.now(), request.path_params["slug"]
    file = await ctx.read(
        lambda session: event_file(session=session, now=now, slug=slug, site=app_calendar_site(ctx))
    )
    if file is None:
        raise HTTPException(status_code=404)
    return _respond(request, file, disposition=content_disposition("attachment", file.filename))


Loader = Callable[..., CalendarFile | None]


def _attendee_endpoint(load: Loader, disposition: str) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        ctx = app_context(request)
        now, token = ctx.now(), request.path_params["token"]

        def read(session: Session) -> CalendarFile | None:
            return load(session=session, now=now, token=token, site=app_calendar_site(ctx))

        file = await ctx.read(read)
        if file is None:
            response = render_page(request, "errors/404.html", {}, status_code=404, public=False)
        else:
            header = content_disposition(disposition, file.filename)
            # The attendee's own: no shared cache may keep it, but their app may revalidate.
            response = _respond(
                request, file, disposition=header, cache_control=PRIVATE_CACHE_CONTROL
            )
        # The address holds the manage token: never send it on in a Referer header.
        response.headers["referrer-policy"] = "no-referrer"
        return response

    return endpoint


async def calendars_page(request: Request) -> Response:
    ctx = app_context(request)
    categories = await ctx.read(lambda session: list_categories(session=session))
    context = {
        "site_feed": feed_link(ctx.settings.site_name, ctx.urls("site_feed")),
        "category_feeds": [
            feed_link(category.name, ctx.urls("category_feed", slug=category.slug))
            for category in categories
        ],
    }
    return render_page(request, "calendars.html", context)


routes = [
    Route("/calendars", calendars_page, name="calendars"),
    Route("/events.ics", site_feed, name="site_feed"),
    Route("/events/{slug}.ics", event_download, name="event_ics"),
    Route("/categories/{slug}.ics", category_feed, name="category_feed"),
    Route("/articles/{slug}/events.ics", article_feed, name="article_feed"),
    Route(
        "/r/{token}/calendar.ics",
        _attendee_endpoint(attendee_file, "inline"),
        name="registration_feed",
    ),
    Route(
        "/r/{token}/event.ics",
        _attendee_endpoint(registration_file, "attachment"),
        name="registration_ics",
    ),
]
