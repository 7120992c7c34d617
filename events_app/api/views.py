"""The API's reading side: events (with the /events page's filters), one event, articles, one
article, categories. Each reads through the same public services as the site's pages, so
drafts, events before their go-live moment and unpublished articles stay out exactly as they
do there. Answers are public (`Cache-Control: public, no-cache`): the page cache keeps them,
gives them strong ETags and answers If-None-Match with 304, like any public page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from events_app.api.links import filter_params, paging_headers
from events_app.api.present import (
    article_detail_public,
    articles_public,
    categories_public,
    event_detail_public,
    events_public,
)
from events_app.api.registration_views import register
from events_app.api.schemas import MAX_PER_PAGE, EventsQuery, PageQuery
from events_app.api.validation import parse_query
from events_app.articles.service import get_published_article, list_articles
from events_app.categories.service import list_categories
from events_app.events import listing
from events_app.events.service import related_live_events
from events_app.registration.pages import load_event_page
from events_app.site_urls import SiteUrls
from events_app.web.context import PUBLIC_CACHE_CONTROL, AppContext, app_context
from events_app.web.forms import clean_text
from events_app.web.page_dependencies import declare_dependency

if TYPE_CHECKING:
    from sqlmodel import Session

    from events_app.events.cards import EventCard
    from events_app.models import Article

JSON = "application/json"


def json_response(
    model: BaseModel, *, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        model.model_dump_json().encode(),
        status_code=status_code,
        media_type=JSON,
        headers={"cache-control": PUBLIC_CACHE_CONTROL, **(headers or {})},
    )


def site_urls(request: Request) -> SiteUrls:
    return app_context(request).urls


def _per_page(ctx: AppContext, query: PageQuery) -> int:
    return query.per_page or min(ctx.settings.page_size, MAX_PER_PAGE)


async def events_index(request: Request) -> Response:
    ctx = app_context(request)
    query = parse_query(request, EventsQuery)
    filters = listing.EventFilters(
        category=query.category,
        format=query.format,
        q=clean_text(query.q),
        date_from=query.date_from,
        date_to=query.date_to,
    )
    now, per_page = ctx.now(), _per_page(ctx, query)
    page = await ctx.read(
        lambda session: listing.list_upcoming_events(
            session=session,
            now=now,
            filters=filters,
            page=query.page,
            page_size=per_page,
            site_tz=ctx.site_tz,
        )
    )
    url = site_urls(request)
    headers = paging_headers(url("api_events"), filter_params(query), page)
    return json_response(events_public(page, url), headers=headers)


async def event_detail(request: Request) -> Response:
    ctx = app_context(request)
    now, slug = ctx.now(), request.path_params["slug"]
    page = await ctx.read(lambda session: load_event_page(session=session, slug=slug, now=now))
    if page is None:
        raise HTTPException(status_code=404)
    response = json_response(event_detail_public(page, site_urls(request)))
    # It tells the seats left: cached until they move (registration/seat_state.py).
    declare_dependency(response, *page.depends_on)
    return response


async def articles_index(request: Request) -> Response:
    ctx = app_context(request)
    query = parse_query(request, PageQuery)
    now, per_page = ctx.now(), _per_page(ctx, query)
    page = await ctx.read(
        lambda session: list_articles(session=session, now=now, page=query.page, page_size=per_page)
    )
    url = site_urls(request)
    headers = paging_headers(url("api_articles"), filter_params(query), page)
    return json_response(articles_public(page, url), headers=headers)


async def article_detail(request: Request) -> Response:
    ctx = app_context(request)
    now, slug = ctx.now(), request.path_params["slug"]

    def load(session: Session) -> tuple[Article, list[EventCard]] | None:
        article = get_published_article(session=session, slug=slug, now=now)
        if article is None:
            return None
        return article, related_live_events(session=session, article=article, now=now)

    found = await ctx.read(load)
    if found is None:
        raise HTTPException(status_code=404)
    return json_response(article_detail_public(*found, site_urls(request)))


async def categories_index(request: Request) -> Response:
    ctx = app_context(request)
    categories = await ctx.read(lambda session: list_categories(session=session))
    return json_response(categories_public(categories, site_urls(request)))


routes: list[BaseRoute] = [
    Route("/api/v1/events", events_index, name="api_events"),
    Route("/api/v1/events/{slug}", event_detail, name="api_event"),
    Route(
        "/api/v1/events/{slug}/registrations",
        register,
        methods=["POST"],
        name="api_registrations",
    ),
    Route("/api/v1/articles", articles_index, name="api_articles"),
    Route("/api/v1/articles/{slug}", article_detail, name="api_article"),
    Route("/api/v1/categories", categories_index, name="api_categories"),
]
