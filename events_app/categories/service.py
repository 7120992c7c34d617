"""Categories and what a visitor sees under each: live upcoming events and published articles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col

from events_app.events.cards import CategoryRef, EventCard, card_query, load_cards
from events_app.events.queries import cancelled_last, is_live, is_upcoming, relation
from events_app.models import Article, ArticleCategory, Category, Event, EventCategory


@dataclass(frozen=True)
class CategoryPage:
    category: Category
    events: list[EventCard]
    articles: list[Article]


_ALL_CATEGORIES = select(col(Category.slug), col(Category.name)).order_by(col(Category.name))


def list_categories(*, session: Session) -> list[CategoryRef]:
    return [CategoryRef(slug, name) for slug, name in session.connection().execute(_ALL_CATEGORIES)]


def get_category_page(
    *, session: Session, slug: str, now: datetime, limit: int = 50
) -> CategoryPage | None:
    category = session.scalar(select(Category).where(col(Category.slug) == slug))
    if category is None:
        return None
    events = load_cards(
        session,
        card_query()
        .join(EventCategory, col(EventCategory.event_id) == col(Event.id))
        .where(col(EventCategory.category_id) == category.id, is_live(now), is_upcoming(now))
        .order_by(cancelled_last(), col(Event.starts_at), col(Event.id))
        .limit(limit),
        now=now,
    )
    articles = session.scalars(
        select(Article)
        .join(ArticleCategory, col(ArticleCategory.article_id) == col(Article.id))
        .where(col(ArticleCategory.category_id) == category.id, col(Article.published_at) <= now)
        .options(selectinload(relation(Article.categories)))
        .order_by(col(Article.published_at).desc())
        .limit(limit)
    ).all()
    return CategoryPage(category=category, events=list(events), articles=list(articles))
