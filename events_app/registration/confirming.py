"""Confirming a registration by its link: the write that a newsletter's readers all make
within minutes, and so the one that bounds how many registrations per second an event takes.

The rules are `service.confirm_locked`'s: a pending registration still holding its seat
keeps it, anyone else gets a free seat or the waitlist, and confirming twice changes
nothing. Here they are applied with a few Core statements built once, while the event's lock
is held: find the registration, lock the event, read the registration's state together with
the seats taken, the holds that lapsed and the places ahead in line in one statement, then
one UPDATE and the email's one INSERT. Through the ORM the same decision cost four times
the CPU (statements built per call, identity map, unit of work), all of it inside the lock
that every other confirmation for the event waits on.

When a hold has lapsed, releasing it moves the waitlist up and sends emails: that rare case
goes the ORM way (`release_lapsed_holds`, then `confirm_locked`), in the same transaction, as
does an event that needs the organiser's approval (the email address is confirmed, the seat
is the organiser's to give: approval.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, bindparam, func, or_, select, update
from sqlmodel import Session, col

from events_app.models import Event, Registration, RegistrationStatus
from events_app.registration.notify import Notifier
from events_app.registration.seat_state import mark_seats_changed
from events_app.registration.seats import seats, taking_a_seat
from events_app.registration.service import confirm_locked, release_lapsed_holds
from events_app.registration.tokens import hash_token
from events_app.row_locks import locked

_REGISTRATION = Registration.__table__  # type: ignore[attr-defined]
_EVENT = Event.__table__  # type: ignore[attr-defined]
_CONFIRMABLE = (RegistrationStatus.pending, RegistrationStatus.expired)

_NOW = bindparam("now", type_=_REGISTRATION.c.confirmed_at.type)
_EVENT_ID = bindparam("event_id", type_=_REGISTRATION.c.event_id.type)
_ID = bindparam("registration_id", type_=_REGISTRATION.c.id.type)

_FIND = select(_REGISTRATION.c.id, _REGISTRATION.c.event_id, _REGISTRATION.c.status).where(
    _REGISTRATION.c.token_hash == bindparam("token_hash")
)

_LOCK_EVENT = select(_EVENT.c.capacity, _EVENT.c.title, _EVENT.c.approval_required).where(
    _EVENT.c.id == _EVENT_ID
)


def _count(*conditions: object) -> object:
    return (
        select(func.count())
        .select_from(_REGISTRATION)
        .where(_REGISTRATION.c.event_id == _EVENT_ID, *conditions)  # type: ignore[arg-type]
        .scalar_subquery()
    )


def _seats(condition: ColumnElement[bool]) -> object:
    return (
        select(seats(condition))
        .select_from(_REGISTRATION)
        .where(_REGISTRATION.c.event_id == _EVENT_ID)
        .scalar_subquery()
    )


# Read after the lock is held: on PostgreSQL a statement's snapshot is taken when it starts,
# so the counts must not ride on the locking statement, which may wait for the lock.
_STATE = select(
    _REGISTRATION.c.status,
    _REGISTRATION.c.holds_seat,
    _REGISTRATION.c.hold_expires_at,
    _REGISTRATION.c.email,
    _REGISTRATION.c.guests,
    _seats(taking_a_seat(_NOW)).label("taken"),  # type: ignore[attr-defined]
    _count(col(Registration.status) == RegistrationStatus.waitlisted).label(  # type: ignore[attr-defined]
        "waiting"
    ),
    _count(  # holds whose time is up: release_lapsed_holds' query, counted
        col(Registration.status) == RegistrationStatus.pending,
        col(Registration.hold_expires_at) <= _NOW,
    ).label("lapsed"),  # type: ignore[attr-defined]
    _count(  # ahead in line if this one joins the waitlist now (seats.waitlist_order)
        col(Registration.status) == RegistrationStatus.waitlisted,
        or_(
            col(Registration.confirmed_at) < _NOW,
            and_(col(Registration.confirmed_at) == _NOW, col(Registration.id) < _ID),
        ),
    ).label("ahead"),  # type: ignore[attr-defined]
).where(_REGISTRATION.c.id == _ID)

_CONFIRM = (
    update(_REGISTRATION)
    .where(_REGISTRATION.c.id == _ID)
    .values(
        status=bindparam("new_status", type_=_REGISTRATION.c.status.type),
        holds_seat=False,
        confirmed_at=_NOW,
        updated_at=_NOW,
    )
)


def confirm_registration(
    *, session: Session, now: datetime, token: str, notifier: Notifier
) -> int | None:
    """Confirm the registration the link's token names: a seat if it holds one or one is
    free, the waitlist otherwise. Its id; None when the token finds no registration."""
    connection = session.connection()
    found = connection.execute(_FIND, {"token_hash": hash_token(token)}).first()
    if found is None:
        return None
    if found.status not in _CONFIRMABLE:
        return int(
            found.id
        )  # a status never goes back to pending: nothing to wait for the lock for
    event_id = found.event_id
    event = connection.execute(locked(session, _LOCK_EVENT), {"event_id": event_id}).one()
    params = {"registration_id": found.id, "event_id": event_id, "now": now}
    state = connection.execute(_STATE, params).one()
    if state.lapsed or event.approval_required:
        _confirm_through_the_orm(session=session, now=now, found_id=found.id, notifier=notifier)
        return int(found.id)
    if state.status not in _CONFIRMABLE:
        return int(found.id)  # confirmed by another request while this one waited for the lock
    holding = (
        state.status == RegistrationStatus.pending
        and state.holds_seat
        and state.hold_expires_at is not None
        and state.hold_expires_at > now
    )
    # A seat held by this registration was counted as taken: it is kept, not counted again.
    # Otherwise the whole party needs room, and nobody may be waiting ahead (seats.has_room).
    seated = holding or (
        event.capacity is None
        or (event.capacity - state.taken >= 1 + state.guests and not state.waiting)
    )
    status = RegistrationStatus.confirmed if seated else RegistrationStatus.waitlisted
    connection.execute(_CONFIRM, {**params, "new_status": status})
    notifier.queue(
        session=session,
        now=now,
        kind="confirmed" if seated else "waitlisted",
        registration_id=found.id,
        to=state.email,
        event_id=event_id,
        event_title=event.title,
        seated=seated,
        position=None if seated else state.ahead + 1,
    )
    mark_seats_changed(session=session, event_id=event_id)
    return int(found.id)


def _confirm_through_the_orm(
    *, session: Session, now: datetime, found_id: int, notifier: Notifier
) -> None:
    registration = session.get(Registration, found_id)
    assert registration is not None
    event = session.get(Event, registration.event_id)
    assert event is not None
    release_lapsed_holds(session=session, now=now, event=event, notifier=notifier)
    session.refresh(registration)
    confirm_locked(
        session=session, now=now, event=event, registration=registration, notifier=notifier
    )
