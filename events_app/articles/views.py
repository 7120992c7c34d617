"""Article pages, each ending with its related live events."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events_app.articles.service import get_published_article, list_articles
from events_app.events.cards import EventCard
from events_app.events.service import related_live_events
from events_app.models import Article
from events_app.previews.json_ld import app_publisher, article_json_ld
from events_app.sharing.links import share_links
from events_app.web.context import app_context, render_page
from events_app.web.forms import parse_page

if TYPE_CHECKING:
    from sqlmodel import Session


async def articles_index(request: Request) -> Response:
    ctx = app_context(request)
    now, number = ctx.now(), parse_page(request.query_params.get("page"))
    page = await ctx.read(
        lambda session: list_articles(
            session=session, now=now, page=number, page_size=ctx.settings.page_size
        )
    )
    return render_page(request, "articles/index.html", {"page": page})


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
    article, events = found
    context = {
        "article": article,
        "events": events,
        "structured_data": article_json_ld(article, site=app_publisher(ctx)),
        "share": share_links(
            url=ctx.urls("article_detail", slug=article.slug),
            title=article.title,
            summary=article.summary,
        ),
    }
    return render_page(request, "articles/detail.html", context)


routes = [
    Route("/articles", articles_index, name="articles_index"),
    Route("/articles/{slug}", article_detail, name="article_detail"),
]
