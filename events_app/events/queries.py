"""Query building blocks shared by every service that shows events: what "live" means."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.strategy_options import _AbstractLoad
from sqlmodel import col

from events_app.models import Event, EventStatus


def is_live(now: datetime | ColumnElement[datetime]) -> ColumnElement[bool]:
    """Live: past the draft stage and past its go-live moment. Cancelled and postponed events
    stay live so that their pages can say what happened."""
    return and_(
        col(Event.status) != EventStatus.draft,
        or_(col(Event.publish_at).is_(None), col(Event.publish_at) <= now),
    )


def is_upcoming(now: datetime) -> ColumnElement[bool]:
    """Not over yet: an event that has started but not ended is still upcoming."""
    return col(Event.ends_at) > now


def cancelled_last() -> ColumnElement[bool]:
    """Ordered first by this, a listing shows the events still happening before the
    cancelled ones (false sorts before true on both databases)."""
    return col(Event.status) == EventStatus.cancelled


def with_categories() -> _AbstractLoad:
    """Categories in one extra query for the whole list (no query per row)."""
    return selectinload(relation(Event.categories))


def relation(attribute: object) -> Any:
    """SQLModel declares relationships as plain lists; SQLAlchemy wants the attribute."""
    return attribute


def event_is_live(event: Event, now: datetime) -> bool:
    return event.status != EventStatus.draft and (
        event.publish_at is None or event.publish_at <= now
    )
