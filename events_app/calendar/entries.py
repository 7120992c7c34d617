"""What a calendar entry (VEVENT) is made of, as plain hashable data.

A feed's entries are loaded in one query (categories and related articles folded in), and an
entry compares equal exactly when everything its VEVENT shows is unchanged: that is what lets
a feed keep each event's serialised VEVENT and re-serialise only the events that changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, String, func, select, type_coerce
from sqlmodel import Session, col

from events_app.models import Article, Category, Event, EventArticle, EventCategory

# Separators for the folded lists: control characters, which no name or slug can contain.
_FIELD, _ITEM = "\x1f", "\x1e"


@dataclass(frozen=True, slots=True)
class ArticleLink:
    slug: str
    title: str


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    uid: str
    slug: str
    title: str
    summary: str
    description_html: str  # rendered when the event was saved
    starts_at: datetime
    ends_at: datetime
    timezone: str
    all_day: bool
    venue: str
    address: str
    latitude: float | None
    longitude: float | None
    online_url: str
    status: str
    sequence: int
    organizer: str
    created_at: datetime
    updated_at: datetime
    cancelled_at: datetime | None
    publish_at: datetime | None
    categories: tuple[str, ...] = ()
    articles: tuple[ArticleLink, ...] = ()


_SCALAR_COLUMNS = (
    col(Event.uid),
    col(Event.slug),
    col(Event.title),
    col(Event.summary),
    col(Event.description_html),
    col(Event.starts_at),
    col(Event.ends_at),
    col(Event.timezone),
    col(Event.all_day),
    col(Event.venue),
    col(Event.address),
    col(Event.latitude),
    col(Event.longitude),
    col(Event.online_url),
    type_coerce(col(Event.status), String).label("status"),
    col(Event.sequence),
    col(Event.organizer),
    col(Event.created_at),
    col(Event.updated_at),
    col(Event.cancelled_at),
    col(Event.publish_at),
)


def _categories_column() -> Any:
    return (
        select(func.aggregate_strings(col(Category.name), _ITEM))
        .join(EventCategory, col(EventCategory.category_id) == col(Category.id))
        .where(col(EventCategory.event_id) == col(Event.id))
        .scalar_subquery()
    )


def _articles_column(now: datetime) -> Any:
    # Only articles already published: a feed must not reveal one that is still scheduled.
    return (
        select(func.aggregate_strings(col(Article.slug) + _FIELD + col(Article.title), _ITEM))
        .join(EventArticle, col(EventArticle.article_id) == col(Article.id))
        .where(col(EventArticle.event_id) == col(Event.id), col(Article.published_at) <= now)
        .scalar_subquery()
    )


def _split(joined: str | None) -> list[str]:
    return joined.split(_ITEM) if joined else []


def entry_from_row(row: tuple[Any, ...]) -> CalendarEntry:
    *scalars, categories, articles = row
    links = (ArticleLink(*item.split(_FIELD, 1)) for item in _split(articles))
    # The row's columns are the entry's fields in order (_SCALAR_COLUMNS), then the lists.
    make = cast(Callable[..., CalendarEntry], CalendarEntry)
    return make(
        *scalars,
        tuple(sorted(_split(categories), key=str.lower)),
        tuple(sorted(links, key=lambda link: link.slug)),
    )


def load_entries(
    *,
    session: Session,
    now: datetime,
    where: ColumnElement[bool],
    limit: int | None = None,
) -> list[CalendarEntry]:
    """The entries of the events matching `where`, earliest first."""
    query = (
        select(*_SCALAR_COLUMNS, _categories_column(), _articles_column(now))
        .where(where)
        .order_by(col(Event.starts_at), col(Event.id))
        .limit(limit)
    )
    return [entry_from_row(tuple(row)) for row in session.connection().execute(query)]


def entry_from_event(event: Event, *, now: datetime) -> CalendarEntry:
    """The same entry built from a loaded Event (one event: an email, a download, an export)."""
    articles = (
        ArticleLink(article.slug, article.title)
        for article in event.articles
        if article.published_at <= now
    )
    return CalendarEntry(
        uid=event.uid,
        slug=event.slug,
        title=event.title,
        summary=event.summary,
        description_html=event.description_html,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        timezone=event.timezone,
        all_day=event.all_day,
        venue=event.venue,
        address=event.address,
        latitude=event.latitude,
        longitude=event.longitude,
        online_url=event.online_url,
        status=str(event.status),
        sequence=event.sequence,
        organizer=event.organizer,
        created_at=event.created_at,
        updated_at=event.updated_at,
        cancelled_at=event.cancelled_at,
        publish_at=event.publish_at,
        categories=tuple(sorted((c.name for c in event.categories), key=str.lower)),
        articles=tuple(sorted(articles, key=lambda link: link.slug)),
    )
