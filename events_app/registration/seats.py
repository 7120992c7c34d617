"""Counting seats and places in line. Only correct inside a transaction that holds the
event's lock (see service.lock_event).

A registration takes a seat for its attendee and one for each guest (`party`): every count
here is of seats, not of registrations. A party is never split: it gets its seats together
or waits together, and the waitlist is strictly in order (the first in line waits until
their whole party fits; nobody behind them is seated first)."""

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


def party(registration: Registration) -> int:
    """The seats this registration takes: its attendee and their guests."""
    return 1 + registration.guests


def seats(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """The seats taken by the registrations matching `condition` (0 when none): for a
    query over registrations (outer-joined ones included)."""
    return func.coalesce(func.sum(1 + col(Registration.guests)).filter(condition), 0)


def seats_held(*, session: Session, event_id: int, now: datetime) -> int:
    """Seats held for registrations not yet confirmed: they come back if the hold lapses."""
    return int(
        session.scalar(select(seats(holding(now))).where(col(Registration.event_id) == event_id))
        or 0
    )


def seats_taken(*, session: Session, event_id: int, now: datetime) -> int:
    """Confirmed and attended registrations, plus pending ones still holding a seat."""
    return int(
        session.scalar(
            select(seats(taking_a_seat(now))).where(col(Registration.event_id) == event_id)
        )
        or 0
    )


def seats_left(*, session: Session, event: Event, now: datetime) -> int | None:
    """None when the event has no capacity limit."""
    if event.capacity is None:
        return None
    assert event.id is not None
    return max(0, event.capacity - seats_taken(session=session, event_id=event.id, now=now))


def has_room(*, session: Session, event: Event, now: datetime, seats_needed: int) -> bool:
    """Whether a party joining now gets its seats: they are free, and nobody is waiting in
    line ahead of it (with parties, seats can be free while the first in line waits for
    more). Without guests, seats are never free while someone waits: the same rule as ever."""
    free = seats_left(session=session, event=event, now=now)
    if free is None:
        return True
    assert event.id is not None
    return free >= seats_needed and not _anyone_waiting(session, event.id)


def _anyone_waiting(session: Session, event_id: int) -> bool:
    return (
        session.scalar(
            select(col(Registration.id))
            .where(
                col(Registration.event_id) == event_id,
                col(Registration.status) == RegistrationStatus.waitlisted,
            )
            .limit(1)
        )
        is not None
    )


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
