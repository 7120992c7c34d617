"""What search engines and feed readers fetch: /sitemap.xml, /robots.txt, and the Atom feeds
/events.atom and /articles.atom.

All are public responses: the page cache keeps their bytes while the content stands and
answers If-None-Match with 304 (events_app/web/page_cache.py), like every public page.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from events_app.discovery.atom import AtomEntry, AtomFeed, build_atom, tag_uri
from events_app.discovery.documents import build_robots, build_sitemap
from events_app.discovery.service import (
    article_changed_at,
    event_changed_at,
    feed_articles,
    feed_events,
    sitemap_entries,
)
from events_app.models import Article, Event
from events_app.translations import catalogue
from events_app.web.context import PUBLIC_CACHE_CONTROL, AppContext, app_context

ATOM_TYPE = "application/atom+xml; charset=utf-8"
FEED_SIZE = 50


def _public(body: bytes | str, media_type: str) -> Response:
    return Response(body, media_type=media_type, headers={"cache-control": PUBLIC_CACHE_CONTROL})


async def sitemap(request: Request) -> Response:
    ctx = app_context(request)
    now = ctx.now()
    entries = await ctx.read(
        lambda session: sitemap_entries(session=session, now=now, urls=ctx.urls)
    )
    body = build_sitemap(entries)
    return _public(body, "application/xml; charset=utf-8")


async def robots(request: Request) -> Response:
    text = build_robots(urls=app_context(request).urls)
    return _public(text, "text/plain; charset=utf-8")


def _event_entry(ctx: AppContext, event: Event) -> AtomEntry:
    base_url = ctx.settings.base_url
    content = ctx.templates.get_template("feeds/event_entry.html").render(event=event)
    return AtomEntry(
        id=tag_uri(base_url, event.created_at, f"event/{event.uid}"),
        title=event.title,
        url=ctx.urls("event_detail", slug=event.slug),
        updated=event_changed_at(event.updated_at, event.publish_at),
        published=event.publish_at or event.created_at,
        summary=event.summary or event.description_text,
        content_html=content,
        categories=tuple(category.name for category in event.categories),
    )


def _article_entry(ctx: AppContext, article: Article) -> AtomEntry:
    return AtomEntry(
        id=tag_uri(ctx.settings.base_url, article.created_at, f"article/{article.id}"),
        title=article.title,
        url=ctx.urls("article_detail", slug=article.slug),
        updated=article_changed_at(article.updated_at, article.published_at),
        published=article.published_at,
        summary=article.summary or article.body_text,
        content_html=article.body_html,
        categories=tuple(category.name for category in article.categories),
        author=article.author,
    )


async def events_atom(request: Request) -> Response:
    ctx = app_context(request)
    now, site = ctx.now(), ctx.settings.site_name
    translations = catalogue(ctx.settings.language)
    events = await ctx.read(lambda session: feed_events(session=session, now=now, limit=FEED_SIZE))
    feed = AtomFeed(
        id=ctx.urls("events_atom"),
        title=translations.gettext("%(site)s: upcoming events") % {"site": site},
        subtitle=translations.gettext("The next events on %(site)s, soonest first.")
        % {"site": site},
        page_url=ctx.urls("events_index"),
        author=site,
        language=ctx.settings.language,
        entries=[_event_entry(ctx, event) for event in events],
    )
    return _public(build_atom(feed), ATOM_TYPE)


async def articles_atom(request: Request) -> Response:
    ctx = app_context(request)
    now, site = ctx.now(), ctx.settings.site_name
    translations = catalogue(ctx.settings.language)
    articles = await ctx.read(
        lambda session: feed_articles(session=session, now=now, limit=FEED_SIZE)
    )
    feed = AtomFeed(
        id=ctx.urls("articles_atom"),
        title=translations.gettext("%(site)s: articles") % {"site": site},
        subtitle=translations.gettext("The latest articles on %(site)s, newest first.")
        % {"site": site},
        page_url=ctx.urls("articles_index"),
        author=site,
        language=ctx.settings.language,
        entries=[_article_entry(ctx, article) for article in articles],
    )
    return _public(build_atom(feed), ATOM_TYPE)


routes: list[BaseRoute] = [
    Route("/sitemap.xml", sitemap, name="sitemap"),
    Route("/robots.txt", robots, name="robots"),
    Route("/events.atom", events_atom, name="events_atom"),
    Route("/articles.atom", articles_atom, name="articles_atom"),
]
