"""The back office's list of events: every event, drafts included, upcoming first (soonest
first), then past ones (latest first); filtered by where each stands and by title.

Where an event stands is derived, never stored: the status column says what the organiser
decided (draft, published, cancelled, postponed), the clock says whether its go-live moment
has come and whether it is over. The same conditions as the public pages (events.queries).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, case, func, not_, select
from sqlmodel import Session, col

from events_app.events.queries import event_is_live, is_live
from events_app.models import ACTIVE_STATUSES, Event, EventStatus, Registration, RegistrationStatus
from events_app.pagination import Page, clamp_page


class Standing(StrEnum):
    draft = "draft"
    scheduled = "scheduled"  # published, waiting for its go-live moment
    live = "live"  # published, on the public site, not over
    cancelled = "cancelled"
    postponed = "postponed"
    past = "past"  # published, on the public site, over


def standing(event: Event, now: datetime) -> Standing:
    if event.status == EventStatus.draft:
        return Standing.draft
    if not event_is_live(event, now):
        return Standing.scheduled
    if event.status in (EventStatus.cancelled, EventStatus.postponed):
        return Standing(event.status.value)
    return Standing.past if event.ends_at <= now else Standing.live


def _condition(wanted: Standing, now: datetime) -> ColumnElement[bool]:
    status = col(Event.status)
    if wanted == Standing.draft:
        return status == EventStatus.draft
    if wanted == Standing.scheduled:
        return and_(status != EventStatus.draft, not_(is_live(now)))
    if wanted in (Standing.cancelled, Standing.postponed):
        return and_(status == EventStatus(wanted.value), is_live(now))
    over = col(Event.ends_at) <= now
    return and_(
        status == EventStatus.published, is_live(now), over if wanted == Standing.past else ~over
    )


@dataclass(frozen=True)
class EventRow:
    event: Event
    standing: Standing
    registered: int  # active registrations: pending, confirmed, waitlisted, attended
    confirmed: int


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_events(
    *,
    session: Session,
    now: datetime,
    wanted: Standing | None = None,
    query: str | None = None,
    page: int = 1,
    page_size: int = 50,
) -> Page[EventRow]:
    page = clamp_page(page)
    conditions: list[ColumnElement[bool]] = []
    if wanted is not None:
        conditions.append(_condition(wanted, now))
    if query:
        conditions.append(col(Event.title).ilike(f"%{_escape_like(query)}%", escape="\\"))
    total = session.scalar(select(func.count()).select_from(Event).where(*conditions)) or 0
    status = col(Registration.status)
    counts = (
        select(
            col(Registration.event_id).label("event_id"),
            func.sum(case((status.in_(ACTIVE_STATUSES), 1), else_=0)).label("registered"),
            func.sum(case((status == RegistrationStatus.confirmed, 1), else_=0)).label("confirmed"),
        )
        .group_by(col(Registration.event_id))
        .subquery()
    )
    upcoming = col(Event.ends_at) > now
    rows = session.execute(
        select(Event, counts.c.registered, counts.c.confirmed)
        .outerjoin(counts, counts.c.event_id == col(Event.id))
        .where(*conditions)
        .order_by(
            case((upcoming, 0), else_=1),
            case((upcoming, col(Event.starts_at)), else_=None).asc(),
            col(Event.starts_at).desc(),
            col(Event.id),
        )
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    items = [
        EventRow(event, standing(event, now), int(registered or 0), int(confirmed or 0))
        for event, registered, confirmed in rows
    ]
    return Page(items=items, number=page, size=page_size, total=int(total))


def find_row(*, session: Session, now: datetime, slug: str) -> EventRow | None:
    """One event as the list shows it, for its own page."""
    event = session.scalar(select(Event).where(col(Event.slug) == slug))
    if event is None:
        return None
    status = col(Registration.status)
    registered, confirmed = session.execute(
        select(
            func.count().filter(status.in_(ACTIVE_STATUSES)),
            func.count().filter(status == RegistrationStatus.confirmed),
        ).where(col(Registration.event_id) == event.id)
    ).one()
    return EventRow(event, standing(event, now), int(registered), int(confirmed))
