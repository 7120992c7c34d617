"""Articles from the back office: the list, and creating, changing and deleting one through
the public `save_article`, with the events it is tied to (the other side of the event form's
related articles) and an audit entry in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col

from events_app.articles.editing import find_article, save_article
from events_app.articles.records import article_record
from events_app.audit.records import record_audit
from events_app.content import mark_calendar_changed
from events_app.events.queries import relation
from events_app.events.schemas import ArticleCreate
from events_app.models import Article, Event, User
from events_app.pagination import Page, clamp_page

TARGET = "article"


class ArticleRefused(ValueError):
    """`errors` maps a form field to a code: slug 'taken', events 'choice'."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(f"{field}: {code}" for field, code in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class ArticleRow:
    article: Article
    scheduled: bool  # its publication moment is still ahead: visitors do not see it yet
    events: int


def list_articles(
    *, session: Session, now: datetime, query: str | None = None, page: int = 1, size: int = 50
) -> Page[ArticleRow]:
    """Every article, newest publication first (scheduled ones on top)."""
    page = clamp_page(page)
    conditions = []
    if query:
        escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(col(Article.title).ilike(f"%{escaped}%", escape="\\"))
    total = session.scalar(select(func.count()).select_from(Article).where(*conditions)) or 0
    articles = session.scalars(
        select(Article)
        .where(*conditions)
        .options(selectinload(relation(Article.events)))
        .order_by(col(Article.published_at).desc(), col(Article.id).desc())
        .limit(size)
        .offset((page - 1) * size)
    ).all()
    rows = [ArticleRow(a, a.published_at > now, len(a.events)) for a in articles]
    return Page(items=rows, number=page, size=size, total=int(total))


def article_snapshot(article: Article) -> dict[str, Any]:
    return article_record(article) | {"events": sorted(event.slug for event in article.events)}


def _link_events(session: Session, article: Article, slugs: list[str]) -> None:
    found = {
        e.slug: e for e in session.scalars(select(Event).where(col(Event.slug).in_(slugs))).all()
    }
    if set(slugs) - found.keys():  # deleted since the form was shown
        raise ArticleRefused({"events": "choice"})
    article.events = [found[slug] for slug in slugs]


def _audit(
    session: Session,
    now: datetime,
    actor: User,
    action: str,
    article: Article,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    record_audit(
        session=session,
        now=now,
        actor=actor,
        action=action,
        target_type=TARGET,
        target_id=article.id,
        target_label=article.title,
        before=before,
        after=after,
    )


def save_from_form(
    *,
    session: Session,
    now: datetime,
    actor: User,
    data: ArticleCreate,
    events: list[str],
    article_id: int | None = None,
) -> Article | None:
    """Create (article_id None) or update an article; None when the one to update is gone."""
    article = session.get(Article, article_id) if article_id is not None else None
    if article_id is not None and article is None:
        return None
    other = find_article(session=session, slug=data.slug)
    if other is not None and other is not article:
        raise ArticleRefused({"slug": "taken"})
    before = article_snapshot(article) if article is not None else None
    try:
        with session.begin_nested():  # two editors taking the same address at once
            saved = save_article(session=session, now=now, data=data, article=article)
    except IntegrityError as exc:
        raise ArticleRefused({"slug": "taken"}) from exc
    _link_events(session, saved, events)
    session.flush()
    action = "article.create" if before is None else "article.update"
    _audit(session, now, actor, action, saved, before, article_snapshot(saved))
    return saved


def delete_article(*, session: Session, now: datetime, actor: User, article_id: int) -> bool:
    """The article goes, and with it its links to events and categories (not the events)."""
    article = session.get(Article, article_id)
    if article is None:
        return False
    before = article_snapshot(article)
    session.delete(article)
    mark_calendar_changed(session=session, now=now)  # feeds list an event's articles
    session.flush()
    _audit(session, now, actor, "article.delete", article, before, None)
    return True
