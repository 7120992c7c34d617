"""Event pages: the front page, listings, the month view and the event page."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from events_app.articles.service import latest_articles
from events_app.categories.service import list_categories
from events_app.events import service
from events_app.events.present import calendar_labels, group_by_month
from events_app.models import EventFormat
from events_app.web.context import app_context, render_page
from events_app.web.forms import clean_text, parse_choice, parse_date, parse_page


def front_page(request: Request) -> Response:
    ctx = app_context(request)
    now = ctx.now()
    with ctx.db.read() as session:
        events = service.next_events(session=session, now=now, limit=6)
        articles = latest_articles(session=session, now=now, limit=4)
    return render_page(request, "home.html", {"events": events, "articles": articles})


def events_index(request: Request) -> Response:
    ctx = app_context(request)
    now = ctx.now()
    params = request.query_params
    date_from, from_ok = parse_date(params.get("from"))
    date_to, to_ok = parse_date(params.get("to"))
    event_format, format_ok = parse_choice(params.get("format"), EventFormat)
    filters = service.EventFilters(
        category=clean_text(params.get("category"), max_length=80),
        format=event_format,
        q=clean_text(params.get("q")),
        date_from=date_from,
        date_to=date_to,
    )
    errors = {
        name: True
        for name, ok in (("from", from_ok), ("to", to_ok), ("format", format_ok))
        if not ok
    }
    raw = {k: params.get(k, "") for k in ("q", "category", "format", "from", "to")}
    with ctx.db.read() as session:
        page = service.list_upcoming_events(
            session=session,
            now=now,
            filters=filters,
            page=parse_page(params.get("page")),
            page_size=ctx.settings.page_size,
            site_tz=ctx.site_tz,
        )
        categories = list_categories(session=session)
        any_upcoming = bool(page.items) or (
            filters.active and service.has_upcoming_events(session=session, now=now)
        )
    return render_page(
        request,
        "events/index.html",
        {
            "page": page,
            "groups": group_by_month(page.items, ctx.settings.language),
            "filters": filters,
            "raw": raw,
            "filter_params": {k: v for k, v in raw.items() if v},
            "errors": errors,
            "categories": categories,
            "formats": list(EventFormat),
            "any_upcoming": any_upcoming,
        },
    )


def events_past(request: Request) -> Response:
    ctx = app_context(request)
    with ctx.db.read() as session:
        page = service.list_past_events(
            session=session,
            now=ctx.now(),
            page=parse_page(request.query_params.get("page")),
            page_size=ctx.settings.page_size,
        )
    return render_page(request, "events/past.html", {"page": page})


def calendar_current(request: Request) -> Response:
    ctx = app_context(request)
    today = ctx.now().astimezone(ctx.site_tz)
    url = request.app.url_path_for("calendar_month", year=str(today.year), month=str(today.month))
    return RedirectResponse(str(url), status_code=302, headers={"cache-control": "no-cache"})


def calendar_month(request: Request) -> Response:
    ctx = app_context(request)
    year, month = request.path_params["year"], request.path_params["month"]
    if not (1970 <= year <= 2200 and 1 <= month <= 12):
        raise HTTPException(status_code=404)
    with ctx.db.read() as session:
        grid = service.month_calendar(
            session=session, now=ctx.now(), year=year, month=month, site_tz=ctx.site_tz
        )
    days = [day.day for week in grid.weeks for day in week]
    labels = calendar_labels(year, month, days, ctx.settings.language)
    return render_page(
        request,
        "events/calendar.html",
        {"grid": grid, **labels},
    )


def event_detail(request: Request) -> Response:
    ctx = app_context(request)
    now = ctx.now()
    with ctx.db.read() as session:
        event = service.get_live_event(session=session, slug=request.path_params["slug"], now=now)
    if event is None:
        raise HTTPException(status_code=404)
    return render_page(
        request,
        "events/detail.html",
        {"event": event, "is_past": event.ends_at <= now, "seats_left": event.capacity},
    )


routes = [
    Route("/", front_page, name="front_page"),
    Route("/events", events_index, name="events_index"),
    Route("/events/past", events_past, name="events_past"),
    Route("/events/calendar", calendar_current, name="calendar_current"),
    Route("/events/calendar/{year:int}/{month:int}", calendar_month, name="calendar_month"),
    Route("/events/{slug}", event_detail, name="event_detail"),
]
