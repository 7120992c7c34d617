"""What the sitemap and the Atom feeds list: exactly what a visitor may see (live events,
published articles, and the categories that hold any), each with the moment it last changed
as a visitor sees it. Read-only; `now` decides what is live."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col

from events_app.events.queries import is_live, is_upcoming, relation, with_categories
from events_app.models import (
    Article,
    ArticleCategory,
    Category,
    Event,
    EventCategory,
)
from events_app.site_urls import SiteUrls

# The sitemap protocol's limit for one file.
SITEMAP_MAX_URLS = 50_000


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    url: str
    lastmod: datetime | None


def event_changed_at(updated_at: datetime, publish_at: datetime | None) -> datetime:
    """When an event's public page last changed: at its last edit, or at its go-live moment
    when it was written before that moment (it appeared then)."""
    return max(updated_at, publish_at or updated_at)


def article_changed_at(updated_at: datetime, published_at: datetime) -> datetime:
    return max(updated_at, published_at)


def _published(now: datetime) -> ColumnElement[bool]:
    return col(Article.published_at) <= now


def sitemap_entries(*, session: Session, now: datetime, urls: SiteUrls) -> list[SitemapEntry]:
    """The listings, every live event (past and cancelled ones too: their pages stay), every
    published article, and every category with something live in it."""
    events = session.execute(
        select(col(Event.id), col(Event.slug), col(Event.updated_at), col(Event.publish_at))
        .where(is_live(now))
        .order_by(col(Event.starts_at).desc(), col(Event.id))
    ).all()
    articles = session.execute(
        select(
            col(Article.id), col(Article.slug), col(Article.updated_at), col(Article.published_at)
        )
        .where(_published(now))
        .order_by(col(Article.published_at).desc(), col(Article.id))
    ).all()
    event_moments = {row[0]: event_changed_at(row[2], row[3]) for row in events}
    article_moments = {row[0]: article_changed_at(row[2], row[3]) for row in articles}

    # A category's page changes when anything live in it does; one without any is left out.
    category_moments: dict[str, datetime] = {}
    links = [
        (slug, event_moments.get(event_id))
        for slug, event_id in session.execute(
            select(col(Category.slug), col(EventCategory.event_id)).join(
                EventCategory, col(EventCategory.category_id) == col(Category.id)
            )
        ).all()
    ] + [
        (slug, article_moments.get(article_id))
        for slug, article_id in session.execute(
            select(col(Category.slug), col(ArticleCategory.article_id)).join(
                ArticleCategory, col(ArticleCategory.category_id) == col(Category.id)
            )
        ).all()
    ]
    for slug, moment in links:
        if moment is not None:
            category_moments[slug] = max(moment, category_moments.get(slug, moment))

    latest_event = max(event_moments.values(), default=None)
    latest_article = max(article_moments.values(), default=None)
    latest = max((m for m in (latest_event, latest_article) if m is not None), default=None)
    entries = [
        SitemapEntry(urls("front_page"), latest),
        SitemapEntry(urls("events_index"), latest_event),
        SitemapEntry(urls("articles_index"), latest_article),
        *(SitemapEntry(urls("event_detail", slug=row[1]), event_moments[row[0]]) for row in events),
        *(
            SitemapEntry(urls("article_detail", slug=row[1]), article_moments[row[0]])
            for row in articles
        ),
        *(
            SitemapEntry(urls("category_detail", slug=slug), category_moments[slug])
            for slug in sorted(category_moments)
        ),
    ]
    return entries[:SITEMAP_MAX_URLS]


def feed_events(*, session: Session, now: datetime, limit: int) -> list[Event]:
    """The Atom feed's events: upcoming live ones, soonest first, as /events lists them."""
    return list(
        session.scalars(
            select(Event)
            .where(is_live(now), is_upcoming(now))
            .options(with_categories())
            .order_by(col(Event.starts_at), col(Event.id))
            .limit(limit)
        ).all()
    )


def feed_articles(*, session: Session, now: datetime, limit: int) -> list[Article]:
    """The Atom feed's articles: the newest published ones."""
    return list(
        session.scalars(
            select(Article)
            .where(_published(now))
            .options(selectinload(relation(Article.categories)))
            .order_by(col(Article.published_at).desc(), col(Article.id).desc())
            .limit(limit)
        ).all()
    )
