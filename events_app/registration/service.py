"""Registration rules: holds, capacity, the waitlist and its order.

The one rule that makes them hold under any load: every change that counts seats first takes
the event's lock, inside the write transaction (`Database.write()`), as its row-lock strategy
says (events_app/row_locks.py). On PostgreSQL that is SELECT ... FOR UPDATE on the event row;
on SQLite the transaction began with BEGIN IMMEDIATE and already holds the database's write
lock. Every state change writes its email to the
outbox in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from events_app.events.queries import event_is_live
from events_app.models import (
    ACTIVE_STATUSES,
    Event,
    EventStatus,
    OutboxMessage,
    Registration,
    RegistrationStatus,
)
from events_app.registration.checkin_codes import unused_code
from events_app.registration.confirmation_codes import issue_code
from events_app.registration.notify import Notifier
from events_app.registration.schemas import RegistrationCreate, RegistrationUpdate
from events_app.registration.seat_state import mark_seats_changed
from events_app.registration.seats import (
    has_room,
    party,
    seats_left,
    waitlist,
    waitlist_position,
)
from events_app.registration.tokens import hash_token, new_nonce, token_for
from events_app.row_locks import locked, locked_from_the_start

RESEND_COOLDOWN = timedelta(minutes=10)
# The emails a stranger can make the site send to any address by typing it into the form.
FORM_EMAILS = ("confirm_request", "manage_link")
EMAIL_CAP_WINDOW = timedelta(hours=1)


class RecipientCapped(Exception):
    """This address was sent as many form emails as it may be this hour: nothing is written
    or sent, and the visitor is told what everyone is told ("check your email")."""


class RegistrationClosed(Exception):
    """The event takes no registrations now; `reason` says why, for the page."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TooManyGuests(ValueError):
    """More guests than the event allows (`allowed`): nothing is written."""

    def __init__(self, allowed: int) -> None:
        super().__init__(f"at most {allowed} guests")
        self.allowed = allowed


@dataclass(frozen=True)
class RegisterOutcome:
    registration: Registration
    created: bool


def lock_event(*, session: Session, event_id: int) -> Event | None:
    return session.scalar(locked(session, select(Event).where(col(Event.id) == event_id)))


def registration_state(event: Event, now: datetime) -> str:
    """'open', or why not: 'not_live', 'cancelled', 'postponed', 'over', 'not_yet', 'closed'."""
    if not event_is_live(event, now):
        return "not_live"
    if event.status in (EventStatus.cancelled, EventStatus.postponed):
        return str(event.status)
    if event.starts_at <= now:
        return "over"
    if event.registration_opens_at and now < event.registration_opens_at:
        return "not_yet"
    if event.registration_closes_at and now >= event.registration_closes_at:
        return "closed"
    return "open"


def assign_token(registration: Registration, secret_key: str) -> None:
    registration.token_nonce = new_nonce()
    registration.token_hash = hash_token(token_for(secret_key, registration.token_nonce))


def register_attendee(
    *,
    session: Session,
    now: datetime,
    event_id: int,
    data: RegistrationCreate,
    notifier: Notifier,
    hold: timedelta,
    answers: list[dict[str, Any]] | None = None,
) -> RegisterOutcome:
    """A new pending registration (holding a seat while one is free) and its confirmation
    email; or, for an address already registered, its manage link again and nothing else.
    `answers`: to the event's questions, checked by registration/answers.py."""
    event = lock_event(session=session, event_id=event_id)
    if event is None:
        raise RegistrationClosed("not_live")
    release_lapsed_holds(session=session, now=now, event=event, notifier=notifier)
    state = registration_state(event, now)
    if state != "open":
        raise RegistrationClosed(state)
    existing = active_registration(session=session, event_id=event_id, email_key=data.email_key)
    if existing is not None:
        send_again(
            session=session, now=now, registration=existing, event=event, notifier=notifier,
            kind="manage_link",
        )  # fmt: skip
        return RegisterOutcome(existing, created=False)
    if data.guests > event.max_guests:
        raise TooManyGuests(event.max_guests)
    if _capped(session=session, now=now, email_key=data.email_key, notifier=notifier):
        raise RecipientCapped(data.email_key)
    # A registration that waits for approval holds no seat: it gets one when approved.
    holds = not event.approval_required and has_room(
        session=session, event=event, now=now, seats_needed=1 + data.guests
    )
    registration = Registration(
        event_id=event_id,
        name=data.name,
        email=data.email,
        email_key=data.email_key,
        organisation=data.organisation,
        status=RegistrationStatus.pending,
        token_nonce="",
        token_hash="",
        checkin_code=unused_code(session=session),
        holds_seat=holds,
        guests=data.guests,
        hold_expires_at=now + hold,
        consent_at=now,
        link_sent_at=now,
        created_at=now,
        updated_at=now,
        answers=list(answers or []),
    )
    assign_token(registration, notifier.settings.secret_key)
    issue_code(registration)
    session.add(registration)
    session.flush()
    notifier.notify(
        session=session, now=now, kind="confirm_request", registration=registration, event=event
    )
    mark_seats_changed(session=session, event_id=event.id)
    return RegisterOutcome(registration, created=True)


def active_registration(*, session: Session, event_id: int, email_key: str) -> Registration | None:
    return session.scalar(
        select(Registration).where(
            col(Registration.event_id) == event_id,
            col(Registration.email_key) == email_key,
            col(Registration.status).in_(ACTIVE_STATUSES),
        )
    )


def _capped(*, session: Session, now: datetime, email_key: str, notifier: Notifier) -> bool:
    return emails_sent_recently(session=session, now=now, email_key=email_key) >= (
        notifier.settings.registration_emails_per_address_hour
    )


def send_again(
    *,
    session: Session,
    now: datetime,
    registration: Registration,
    event: Event,
    notifier: Notifier,
    kind: str,
) -> bool:
    """Email an existing registration its link again (`kind`, one of FORM_EMAILS), unless
    that would flood the inbox: at most once per cooldown (a double click, a second try
    minutes later, a press of "Resend") and within the address's hourly cap. It is the same
    link: anyone can type an address into the form, and that must never revoke the owner's
    manage page, event file or calendar subscription. A registration still waiting for
    confirmation gets a fresh code with it (confirmation_codes.py). True when it was sent."""
    if registration.link_sent_at > now - RESEND_COOLDOWN or _capped(
        session=session, now=now, email_key=registration.email_key, notifier=notifier
    ):
        return False
    registration.link_sent_at = registration.updated_at = now
    if registration.status == RegistrationStatus.pending:
        issue_code(registration)  # the email carries a fresh code; earlier ones stop working
    notifier.notify(session=session, now=now, kind=kind, registration=registration, event=event)
    return True


def emails_sent_recently(*, session: Session, now: datetime, email_key: str) -> int:
    """Form emails (confirmation requests, manage links) written for this address in the last
    hour, for any event: the outbox is the record, shared by every process."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .join(Registration, col(Registration.id) == col(OutboxMessage.registration_id))
            .where(
                col(Registration.email_key) == email_key,
                col(OutboxMessage.kind).in_(FORM_EMAILS),
                col(OutboxMessage.created_at) > now - EMAIL_CAP_WINDOW,
            )
        )
        or 0
    )


def find_by_token(*, session: Session, token: str) -> Registration | None:
    return session.scalar(
        select(Registration).where(col(Registration.token_hash) == hash_token(token))
    )


def confirm_locked(
    *, session: Session, now: datetime, event: Event, registration: Registration,
    notifier: Notifier,
) -> Registration:  # fmt: skip
    """Confirm once the caller holds the event's lock and has released lapsed holds: the
    code (code_confirmation.py) confirms so, and the link (confirming.py) applies the same
    rules in Core statements."""
    if registration.status not in (RegistrationStatus.pending, RegistrationStatus.expired):
        return registration
    holding = (
        registration.status == RegistrationStatus.pending
        and registration.holds_seat
        and registration.hold_expires_at is not None
        and registration.hold_expires_at > now
    )
    registration.holds_seat = False
    registration.confirmed_at = now
    registration.updated_at = now
    if event.approval_required:
        # The email address is confirmed; the seat (or the place in line) is the
        # organiser's to give (approval.py). Until then: no seat, not on the waitlist.
        registration.status = RegistrationStatus.awaiting
        notifier.notify(
            session=session, now=now, kind="awaiting_approval", registration=registration,
            event=event,
        )  # fmt: skip
        mark_seats_changed(session=session, event_id=event.id)  # a hold it had is given back
        return registration
    # Our own hold was counted as taken until this moment: release it before counting.
    seated = holding or has_room(
        session=session, event=event, now=now, seats_needed=party(registration)
    )
    place_registration(
        session=session, now=now, event=event, registration=registration, notifier=notifier,
        seated=seated,
    )  # fmt: skip
    return registration


def place_registration(
    *, session: Session, now: datetime, event: Event, registration: Registration,
    notifier: Notifier, seated: bool,
) -> None:  # fmt: skip
    """Give the registration its seat (`seated`) or its place at the end of the line, with
    the email that says which. The caller holds the event's lock and decided `seated`."""
    if seated:
        registration.status = RegistrationStatus.confirmed
        notifier.notify(
            session=session, now=now, kind="confirmed", registration=registration, event=event
        )
    else:
        registration.status = RegistrationStatus.waitlisted
        session.flush()
        notifier.notify(
            session=session,
            now=now,
            kind="waitlisted",
            registration=registration,
            event=event,
            position=waitlist_position(session=session, registration=registration),
        )
    mark_seats_changed(session=session, event_id=event.id)


def cancel_registration(
    *,
    session: Session,
    now: datetime,
    registration: Registration,
    notifier: Notifier,
) -> Registration:
    event = lock_event(session=session, event_id=registration.event_id)
    assert event is not None
    if not locked_from_the_start(session):
        session.refresh(registration)  # it may have changed while we waited for the lock
    release_lapsed_holds(session=session, now=now, event=event, notifier=notifier)
    if registration.status not in ACTIVE_STATUSES:
        return registration
    had_the_event = registration.status == RegistrationStatus.confirmed
    registration.status = RegistrationStatus.cancelled
    registration.holds_seat = False
    registration.cancelled_at = registration.updated_at = now
    notifier.notify(
        session=session,
        now=now,
        kind="cancelled",
        registration=registration,
        event=event,
        with_calendar=had_the_event,  # only a confirmed seat came with an invitation
    )
    session.flush()
    promote_from_waitlist(session=session, now=now, event=event, notifier=notifier)
    mark_seats_changed(session=session, event_id=event.id)
    return registration


def promote_from_waitlist(
    *, session: Session, now: datetime, event: Event, notifier: Notifier
) -> list[Registration]:
    """Give free seats to the waitlist in order (time of confirmation, then id), each party
    whole: strictly in order, so when the first in line's party does not fit, everyone
    behind waits too (nobody overtakes them with a smaller one). The caller holds the
    event's lock."""
    assert event.id is not None
    free = seats_left(session=session, event=event, now=now)
    promoted: list[Registration] = []
    for registration in waitlist(session=session, event_id=event.id):
        if free is not None and free < party(registration):
            break
        registration.status = RegistrationStatus.confirmed
        registration.updated_at = now
        notifier.notify(
            session=session, now=now, kind="promoted", registration=registration, event=event
        )
        promoted.append(registration)
        free = None if free is None else free - party(registration)
    session.flush()
    return promoted


def release_lapsed_holds(
    *, session: Session, now: datetime, event: Event, notifier: Notifier
) -> int:
    """Expire this event's unconfirmed holds whose time is up and move its waitlist up. Every
    operation that counts seats calls it first (under the event's lock), so a lapsed hold's
    seat goes to the waitlist in order, never to whoever happens to come next."""
    assert event.id is not None
    stale = list(
        session.scalars(
            select(Registration)
            .where(
                col(Registration.event_id) == event.id,
                col(Registration.status) == RegistrationStatus.pending,
                col(Registration.hold_expires_at) <= now,
            )
            .order_by(col(Registration.id))
        ).all()
    )
    for registration in stale:
        # Someone who registered when the event was full held no seat: their email must not
        # say that one was given back.
        held_seat = registration.holds_seat
        registration.status = RegistrationStatus.expired
        registration.holds_seat = False
        registration.updated_at = now
        notifier.notify(
            session=session, now=now, kind="hold_expired", registration=registration,
            event=event, extra={"held_seat": held_seat},
        )  # fmt: skip
    if stale:
        session.flush()
        promote_from_waitlist(session=session, now=now, event=event, notifier=notifier)
        mark_seats_changed(session=session, event_id=event.id)
    return len(stale)


def events_with_lapsed_holds(*, session: Session, now: datetime) -> list[int]:
    """The events that have unconfirmed holds whose time is up, in id order."""
    event_ids = session.scalars(
        select(col(Registration.event_id))
        .where(
            col(Registration.status) == RegistrationStatus.pending,
            col(Registration.hold_expires_at) <= now,
        )
        .distinct()
    ).all()
    return sorted(event_ids)


def expire_event_holds(
    *, session: Session, now: datetime, event_id: int, notifier: Notifier
) -> int:
    """Release one event's lapsed holds (the worker's housekeeping, every few seconds).

    Call it in a transaction of its own for each event, so that each event's lock is held
    only while that event's holds are expired: one transaction over many events keeps every
    registration on all of them waiting. (Until seat writes stopped writing the shared
    site_state row, it also deadlocked against registrations on PostgreSQL:
    tests/registration/test_expiry_deadlock.py.)"""
    event = lock_event(session=session, event_id=event_id)
    if event is None:
        return 0
    return release_lapsed_holds(session=session, now=now, event=event, notifier=notifier)


def change_capacity(
    *, session: Session, now: datetime, event_id: int, capacity: int | None, notifier: Notifier
) -> Event:
    """A larger capacity promotes from the waitlist at once. A smaller one keeps everyone
    already confirmed, and honours seats already held for unconfirmed registrations (nobody
    loses a seat they were given); it takes effect as seats free up."""
    event = lock_event(session=session, event_id=event_id)
    assert event is not None
    release_lapsed_holds(session=session, now=now, event=event, notifier=notifier)
    event.capacity = capacity
    event.updated_at = now
    session.flush()
    promote_from_waitlist(session=session, now=now, event=event, notifier=notifier)
    mark_seats_changed(session=session, event_id=event.id)
    return event


def update_details(
    *, session: Session, now: datetime, registration: Registration, data: RegistrationUpdate
) -> Registration:
    registration.name = data.name
    registration.organisation = data.organisation
    registration.updated_at = now
    return registration
