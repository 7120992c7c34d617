"""Creating and updating articles. Every change marks the public content as changed (page
caches and feeds)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from events_app.categories.editing import ensure_categories
from events_app.content import mark_calendar_changed
from events_app.events.schemas import ArticleCreate
from events_app.markdown import render
from events_app.models import Article


def find_article(*, session: Session, slug: str) -> Article | None:
    return session.scalar(select(Article).where(col(Article.slug) == slug))


def save_article(
    *, session: Session, now: datetime, data: ArticleCreate, article: Article | None = None
) -> Article:
    values = data.model_dump(exclude={"categories"})
    values["published_at"] = data.published_at or (article.published_at if article else now)
    # Rendered once, here: pages, feeds and the API read the stored HTML and text.
    rendered = render(data.body)
    values.update(body_html=rendered.html, body_text=rendered.text)
    categories = ensure_categories(session=session, names=data.categories)
    if article is None:
        article = Article(**values, created_at=now, updated_at=now)
        session.add(article)
    else:
        for name, value in values.items():
            setattr(article, name, value)
        article.updated_at = now
    article.categories = categories
    mark_calendar_changed(session=session, now=now)
    session.flush()
    return article
