"""Article pages, each ending with its related live events."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events_app.articles.service import get_published_article, list_articles
from events_app.events.service import related_live_events
from events_app.web.context import app_context, render_page
from events_app.web.forms import parse_page


def articles_index(request: Request) -> Response:
    ctx = app_context(request)
    with ctx.db.read() as session:
        page = list_articles(
            session=session,
            now=ctx.now(),
            page=parse_page(request.query_params.get("page")),
            page_size=ctx.settings.page_size,
        )
    return render_page(request, "articles/index.html", {"page": page})


def article_detail(request: Request) -> Response:
    ctx = app_context(request)
    now = ctx.now()
    with ctx.db.read() as session:
        article = get_published_article(session=session, slug=request.path_params["slug"], now=now)
        if article is None:
            raise HTTPException(status_code=404)
        events = related_live_events(session=session, article=article, now=now)
    return render_page(request, "articles/detail.html", {"article": article, "events": events})


routes = [
    Route("/articles", articles_index, name="articles_index"),
    Route("/articles/{slug}", article_detail, name="article_detail"),
]
