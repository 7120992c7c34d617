"""Event pages: the front page, listings, the month view and the event page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from events_app.articles.service import latest_articles
from events_app.categories.service import list_categories
from events_app.events import listing, service
from events_app.events.present import calendar_labels, cancelled_last, group_by_month
from events_app.models import EventFormat
from events_app.registration.pages import load_event_page
from events_app.registration.views import render_event_page
from events_app.web.context import app_context, render_page
from events_app.web.forms import clean_text, parse_choice, parse_date, parse_page

if TYPE_CHECKING:
    from sqlmodel import Session

    from events_app.events.cards import CategoryRef, EventCard
    from events_app.events.service import MonthCalendar
    from events_app.pagination import Page

FILTER_NAMES = ("q", "category", "format", "from", "to")


async def front_page(request: Request) -> Response:
    ctx = app_context(request)
    now = ctx.now()
    events, articles = await ctx.read(
        lambda session: (
            listing.next_events(session=session, now=now, limit=6),
            latest_articles(session=session, now=now, limit=4),
        )
    )
    return render_page(request, "home.html", {"events": events, "articles": articles})


async def events_index(request: Request) -> Response:
    ctx = app_context(request)
    now = ctx.now()
    params = request.query_params
    date_from, from_ok = parse_date(params.get("from"))
    date_to, to_ok = parse_date(params.get("to"))
    event_format, format_ok = parse_choice(params.get("format"), EventFormat)
    # What the date fields show again: the dates as typed, when they parsed.
    shown = {
        "from": date_from.isoformat() if date_from else "",
        "to": date_to.isoformat() if date_to else "",
    }
    reversed_dates = bool(date_from and date_to and date_to < date_from)
    if reversed_dates:  # said, not guessed at: left out of the search until put right
        date_from = date_to = None
    filters = listing.EventFilters(
        category=clean_text(params.get("category"), max_length=80),
        format=event_format,
        q=clean_text(params.get("q")),
        date_from=date_from,
        date_to=date_to,
    )
    errors: dict[str, object] = {
        name: True
        for name, ok in (("from", from_ok), ("to", to_ok), ("format", format_ok))
        if not ok
    }
    if reversed_dates:
        errors["to"] = "before_from"
    raw = {name: params.get(name, "") for name in FILTER_NAMES}
    page_number = parse_page(params.get("page"))

    def load(session: Session) -> tuple[Page[EventCard], list[CategoryRef], bool]:
        page = listing.list_upcoming_events(
            session=session,
            now=now,
            filters=filters,
            page=page_number,
            page_size=ctx.settings.page_size,
            site_tz=ctx.site_tz,
        )
        # "No match" and "nothing at all" read differently; only ask when it matters.
        any_upcoming = bool(page.items) or (
            filters.active and service.has_upcoming_events(session=session, now=now)
        )
        return page, list_categories(session=session), any_upcoming

    page, categories, any_upcoming = await ctx.read(load)
    return render_page(
        request,
        "events/index.html",
        {
            "page": page,
            # A search lists best matches first: one list, not months out of order.
            "ranked": cancelled_last(page.items) if filters.q else None,
            "groups": [] if filters.q else group_by_month(page.items, ctx.settings.language),
            "filters": filters,
            "raw": raw,
            "filter_params": {k: v for k, v in raw.items() if v},
            "errors": errors,
            "dates": shown,
            "categories": categories,
            "formats": list(EventFormat),
            "any_upcoming": any_upcoming,
        },
    )


async def events_past(request: Request) -> Response:
    ctx = app_context(request)
    now, number = ctx.now(), parse_page(request.query_params.get("page"))
    page = await ctx.read(
        lambda session: listing.list_past_events(
            session=session, now=now, page=number, page_size=ctx.settings.page_size
        )
    )
    return render_page(request, "events/past.html", {"page": page})


def calendar_current(request: Request) -> Response:
    ctx = app_context(request)
    today = ctx.now().astimezone(ctx.site_tz)
    url = request.app.url_path_for("calendar_month", year=str(today.year), month=str(today.month))
    return RedirectResponse(str(url), status_code=302, headers={"cache-control": "no-cache"})


async def calendar_month(request: Request) -> Response:
    ctx = app_context(request)
    year, month = request.path_params["year"], request.path_params["month"]
    if not (1970 <= year <= 2200 and 1 <= month <= 12):
        raise HTTPException(status_code=404)
    now = ctx.now()

    def load(session: Session) -> tuple[MonthCalendar, bool]:
        grid = service.month_calendar(
            session=session, now=now, year=year, month=month, site_tz=ctx.site_tz
        )
        # Until the first event goes live, the month says what every listing says.
        return grid, grid.event_count > 0 or service.has_upcoming_events(session=session, now=now)

    grid, any_events = await ctx.read(load)
    days = [day.day for week in grid.weeks for day in week]
    labels = calendar_labels(year, month, days, ctx.settings.language)
    context = {"grid": grid, "any_events": any_events, **labels}
    return render_page(request, "events/calendar.html", context)


async def event_detail(request: Request) -> Response:
    ctx = app_context(request)
    now, slug = ctx.now(), request.path_params["slug"]
    page = await ctx.read(lambda session: load_event_page(session=session, slug=slug, now=now))
    if page is None:
        raise HTTPException(status_code=404)
    return render_event_page(request, page)


routes = [
    Route("/", front_page, name="front_page"),
    Route("/events", events_index, name="events_index"),
    Route("/events/past", events_past, name="events_past"),
    Route("/events/calendar", calendar_current, name="calendar_current"),
    Route("/events/calendar/{year:int}/{month:int}", calendar_month, name="calendar_month"),
    Route("/events/{slug}", event_detail, name="event_detail"),
]
