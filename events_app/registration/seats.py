"""Counting seats and places in line. Only correct inside a transaction that holds the
event's lock (see service.lock_event)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlmodel import Session, col

from events_app.models import Event, Registration, RegistrationStatus

SEATED = (RegistrationStatus.confirmed, RegistrationStatus.attended)


def is_seated(registration: Registration) -> bool:
    """Holds a confirmed seat (or was checked in): the one test for the check-in code, the
    join link and a calendar entry marked private."""
    return registration.status in SEATED


def holding(now: datetime | ColumnElement[datetime]) -> ColumnElement[bool]:
    """A pending registration still holding a seat at `now` (a moment or a bound parameter)."""
    return and_(
        col(Registration.status) == RegistrationStatus.pending,
        col(Registration.holds_seat).is_(True),
        col(Registration.hold_expires_at) > now,
    )


def taking_a_seat(now: datetime | ColumnElement[datetime]) -> ColumnElement[bool]:
    """Confirmed or attended, or holding a seat at `now`: what every seat count counts."""
    return or_(col(Registration.status).in_(SEATED), holding(now))


def seats_held(*, session: Session, event_id: int, now: datetime) -> int:
    """Seats held for registrations not yet confirmed: they come back if the hold lapses."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(Registration)
            .where(col(Registration.event_id) == event_id, holding(now))
        )
        or 0
    )


def seats_taken(*, session: Session, event_id: int, now: datetime) -> int:
    """Confirmed and attended registrations, plus pending ones still holding a seat."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(Registration)
            .where(col(Registration.event_id) == event_id, taking_a_seat(now))
        )
        or 0
    )


def seats_left(*, session: Session, event: Event, now: datetime) -> int | None:
    """None when the event has no capacity limit."""
    if event.capacity is None:
        return None
    assert event.id is not None
    return max(0, event.capacity - seats_taken(session=session, event_id=event.id, now=now))


def waitlist_order():  # type: ignore[no-untyped-def]
    return (col(Registration.confirmed_at), col(Registration.id))


def waitlist(*, session: Session, event_id: int) -> list[Registration]:
    return list(
        session.scalars(
            select(Registration)
            .where(
                col(Registration.event_id) == event_id,
                col(Registration.status) == RegistrationStatus.waitlisted,
            )
            .order_by(*waitlist_order())
        ).all()
    )


def waitlist_position(*, session: Session, registration: Registration) -> int | None:
    if registration.status != RegistrationStatus.waitlisted:
        return None
    ahead = session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(
            col(Registration.event_id) == registration.event_id,
            col(Registration.status) == RegistrationStatus.waitlisted,
            or_(
                col(Registration.confirmed_at) < registration.confirmed_at,
                and_(
                    col(Registration.confirmed_at) == registration.confirmed_at,
                    col(Registration.id) < registration.id,
                ),
            ),
        )
    )
    return int(ahead or 0) + 1
