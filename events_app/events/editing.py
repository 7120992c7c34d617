"""Creating and updating events (articles: events_app/articles/editing.py). Every change
here marks the public content as changed (page caches) and raises an event's SEQUENCE when
attendees' calendars must update."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from events_app.categories.editing import ensure_categories
from events_app.content import mark_calendar_changed
from events_app.events.schemas import EventCreate
from events_app.markdown import render
from events_app.models import Article, Event, EventStatus

# A change to any of these is one a calendar app must see (RFC 5545 SEQUENCE).
CALENDAR_FIELDS = (
    "starts_at",
    "ends_at",
    "all_day",
    "timezone",
    "venue",
    "address",
    "online_url",
    "status",
    "format",
)


class UnknownArticles(ValueError):
    def __init__(self, slugs: list[str]) -> None:
        super().__init__("unknown article slug(s): " + ", ".join(sorted(slugs)))
        self.slugs = slugs


def _articles_by_slug(session: Session, slugs: list[str]) -> list[Article]:
    if not slugs:
        return []
    found = {
        a.slug: a for a in session.scalars(select(Article).where(col(Article.slug).in_(slugs)))
    }
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        raise UnknownArticles(missing)
    return [found[slug] for slug in dict.fromkeys(slugs)]


def find_event(
    *, session: Session, slug: str | None = None, uid: str | None = None
) -> Event | None:
    if uid is not None:
        return session.scalar(select(Event).where(col(Event.uid) == uid))
    return session.scalar(select(Event).where(col(Event.slug) == slug))


def event_values(data: EventCreate) -> dict[str, Any]:
    """The columns `data` sets, as entered (without what is rendered from them)."""
    values = data.model_dump(exclude={"categories", "articles", "starts_at", "ends_at"})
    values.update(starts_at=data.starts_at_utc, ends_at=data.ends_at_utc)
    return values


def rendered_description(description: str) -> dict[str, str]:
    """The description rendered once, as it is saved: pages, feeds and emails read these
    columns and never render per request."""
    rendered = render(description)
    return {"description_html": rendered.html, "description_text": rendered.text}


def changes_calendar(event: Event, data: EventCreate) -> bool:
    """Whether saving `data` over `event` changes what its attendees' calendars show, so
    raises its SEQUENCE (the back office asks before telling them)."""
    values = event_values(data)
    return any(getattr(event, name) != values[name] for name in CALENDAR_FIELDS)


def save_event(
    *,
    session: Session,
    now: datetime,
    data: EventCreate,
    event: Event | None = None,
    uid: str | None = None,
) -> Event:
    """Create `data` as a new event, or apply it to `event`. Raises UnknownArticles."""
    values = event_values(data) | rendered_description(data.description)
    articles = _articles_by_slug(session, data.articles)
    categories = ensure_categories(session=session, names=data.categories)
    if event is None:
        event = Event(**values, created_at=now, updated_at=now)
        if uid:
            event.uid = uid
        session.add(event)
    else:
        calendar_changed = changes_calendar(event, data)
        for name, value in values.items():
            setattr(event, name, value)
        if calendar_changed:
            event.sequence += 1
        event.updated_at = now
    if event.status != EventStatus.cancelled:
        event.cancelled_at = None
    elif event.cancelled_at is None:
        event.cancelled_at = now
    event.categories = categories
    event.articles = articles
    mark_calendar_changed(session=session, now=now)
    session.flush()
    return event
