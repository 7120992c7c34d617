"""Categories and what a visitor sees under each: live upcoming events and published articles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col

from events_app.events.queries import is_live, is_upcoming, relation, with_categories
from events_app.models import Article, ArticleCategory, Category, Event, EventCategory


@dataclass(frozen=True)
class CategoryPage:
    category: Category
    events: list[Event]
    articles: list[Article]


def list_categories(*, session: Session) -> list[Category]:
    return list(session.scalars(select(Category).order_by(col(Category.name))).all())


def get_category_page(
    *, session: Session, slug: str, now: datetime, limit: int = 50
) -> CategoryPage | None:
    category = session.scalar(select(Category).where(col(Category.slug) == slug))
    if category is None:
        return None
    events = session.scalars(
        select(Event)
        .join(EventCategory, col(EventCategory.event_id) == col(Event.id))
        .where(col(EventCategory.category_id) == category.id, is_live(now), is_upcoming(now))
        .options(with_categories())
        .order_by(col(Event.starts_at), col(Event.id))
        .limit(limit)
    ).all()
    articles = session.scalars(
        select(Article)
        .join(ArticleCategory, col(ArticleCategory.article_id) == col(Article.id))
        .where(col(ArticleCategory.category_id) == category.id, col(Article.published_at) <= now)
        .options(selectinload(relation(Article.categories)))
        .order_by(col(Article.published_at).desc())
        .limit(limit)
    ).all()
    return CategoryPage(category=category, events=list(events), articles=list(articles))
