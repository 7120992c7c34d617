"""Articles a visitor may read: published ones, newest first."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col

from events_app.events.queries import relation
from events_app.models import Article
from events_app.pagination import Page


def _published(now: datetime) -> ColumnElement[bool]:
    return col(Article.published_at) <= now


def list_articles(
    *, session: Session, now: datetime, page: int = 1, page_size: int = 20
) -> Page[Article]:
    page = max(1, page)
    total = session.scalar(select(func.count()).where(_published(now))) or 0
    rows = session.scalars(
        select(Article)
        .where(_published(now))
        .options(selectinload(relation(Article.categories)))
        .order_by(col(Article.published_at).desc(), col(Article.id).desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    return Page(items=list(rows), number=page, size=page_size, total=total)


def latest_articles(*, session: Session, now: datetime, limit: int = 4) -> list[Article]:
    return list_articles(session=session, now=now, page_size=limit).items


def get_published_article(*, session: Session, slug: str, now: datetime) -> Article | None:
    return session.scalar(
        select(Article)
        .where(col(Article.slug) == slug, _published(now))
        .options(selectinload(relation(Article.categories)))
    )
