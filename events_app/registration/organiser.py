"""What an organiser does to an event's registrations from the back office: add someone by
hand, cancel, promote from the waitlist, resend the email, change the capacity.

Each goes through the registration rules (service.py) and their event lock, writes its
emails to the outbox and its audit entry in the same transaction, and never decides seats
by itself: counting, holds and the waitlist's order stay where they are defined.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from events_app.audit.records import record_audit
from events_app.models import (
    ACTIVE_STATUSES,
    Event,
    EventStatus,
    Registration,
    RegistrationStatus,
    User,
)
from events_app.registration import service
from events_app.registration.checkin_codes import unused_code
from events_app.registration.confirmation_codes import issue_code
from events_app.registration.notify import Notifier
from events_app.registration.schemas import AttendeeDetails
from events_app.registration.seat_state import mark_seats_changed
from events_app.registration.seats import party, seats_left, waitlist_position

TARGET = "registration"
# The email a resend repeats: the one that goes with the registration's state.
RESENT_KIND = {
    RegistrationStatus.pending: "confirm_request",
    RegistrationStatus.confirmed: "confirmed",
    RegistrationStatus.waitlisted: "waitlisted",
    RegistrationStatus.awaiting: "awaiting_approval",
}


class OrganiserRefused(ValueError):
    """What the rules do not allow, as a code the page words: already_registered,
    event_over, event_cancelled, not_waitlisted, full, not_active, cooldown."""

    def __init__(self, code: str, *, retry_at: datetime | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.retry_at = retry_at


def snapshot(registration: Registration) -> dict[str, Any]:
    return {
        "name": registration.name,
        "email": registration.email,
        "organisation": registration.organisation,
        "status": registration.status,
    }


def record_change(
    session: Session,
    now: datetime,
    actor: User,
    action: str,
    registration: Registration,
    event: Event,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None = None,
) -> None:
    record_audit(
        session=session, now=now, actor=actor, action=action, target_type=TARGET,
        target_id=registration.id, target_label=f"{registration.email} · {event.slug}",
        before=before, after=snapshot(registration) if after is None else after,
    )  # fmt: skip


def _locked(
    session: Session, now: datetime, event_id: int, registration_id: int, notifier: Notifier
) -> tuple[Event, Registration] | None:
    """The event, locked, and its registration as it is once the lock is held (lapsed holds
    released first, as before every count); None when either is missing."""
    event = service.lock_event(session=session, event_id=event_id)
    registration = session.get(Registration, registration_id)
    if event is None or registration is None or registration.event_id != event_id:
        return None
    session.refresh(registration)
    service.release_lapsed_holds(session=session, now=now, event=event, notifier=notifier)
    return event, registration


def add_attendee(
    *,
    session: Session,
    now: datetime,
    actor: User,
    event_id: int,
    data: AttendeeDetails,
    notifier: Notifier,
) -> Registration:
    """Someone the organiser vouches for: confirmed at once while a seat is free, waitlisted
    otherwise, with the usual email (and its manage link). The registration window does not
    apply (the organiser decides), but a cancelled or finished event takes nobody."""
    event = service.lock_event(session=session, event_id=event_id)
    if event is None:
        raise OrganiserRefused("event_missing")
    if event.status == EventStatus.cancelled:
        raise OrganiserRefused("event_cancelled")
    if event.ends_at <= now:
        raise OrganiserRefused("event_over")
    service.release_lapsed_holds(session=session, now=now, event=event, notifier=notifier)
    taken = session.scalar(
        select(col(Registration.id)).where(
            col(Registration.event_id) == event_id,
            col(Registration.email_key) == data.email_key,
            col(Registration.status).in_(ACTIVE_STATUSES),
        )
    )
    if taken is not None:
        raise OrganiserRefused("already_registered")
    free = seats_left(session=session, event=event, now=now)
    seated = free is None or free > 0
    registration = Registration(
        event_id=event_id,
        name=data.name,
        email=data.email,
        email_key=data.email_key,
        organisation=data.organisation,
        status=RegistrationStatus.confirmed if seated else RegistrationStatus.waitlisted,
        token_nonce="",
        token_hash="",
        checkin_code=unused_code(session=session),
        consent_at=now,  # recorded by the organiser, who answers for it
        link_sent_at=now,
        confirmed_at=now,  # the waitlist's order: from now, behind everyone already in line
        created_at=now,
        updated_at=now,
    )
    service.assign_token(registration, notifier.settings.secret_key)
    session.add(registration)
    session.flush()
    position = None if seated else waitlist_position(session=session, registration=registration)
    kind = "confirmed" if seated else "waitlisted"
    notifier.notify(
        session=session, now=now, kind=kind, registration=registration, event=event,
        position=position,
    )  # fmt: skip
    record_change(session, now, actor, "registration.add", registration, event, None)
    mark_seats_changed(session=session, event_id=event.id)
    return registration


def cancel_for_attendee(
    *,
    session: Session,
    now: datetime,
    actor: User,
    event_id: int,
    registration_id: int,
    notifier: Notifier,
) -> Registration | None:
    """Cancel as the attendee would (their email says so, the waitlist moves up). Cancelling
    what is no longer active changes nothing and logs nothing."""
    found = _locked(session, now, event_id, registration_id, notifier)
    if found is None:
        return None
    event, registration = found
    if registration.status not in ACTIVE_STATUSES:
        return registration
    before = snapshot(registration)
    service.cancel_registration(
        session=session, now=now, registration=registration, notifier=notifier
    )
    record_change(session, now, actor, "registration.cancel", registration, event, before)
    return registration


def promote(
    *,
    session: Session,
    now: datetime,
    actor: User,
    event_id: int,
    registration_id: int,
    notifier: Notifier,
    add_seat: bool,
) -> Registration | None:
    """Give this waitlisted person a seat now, out of turn. Seats only ever free up into the
    waitlist at once, so there is rarely a free one: then the organiser must say `add_seat`,
    and the capacity rises by one for them. Nobody is ever seated beyond the capacity, which
    stays the true number of seats (and a later cancellation moves the line up as usual)."""
    found = _locked(session, now, event_id, registration_id, notifier)
    if found is None:
        return None
    event, registration = found
    if registration.status != RegistrationStatus.waitlisted:
        raise OrganiserRefused("not_waitlisted")
    free = seats_left(session=session, event=event, now=now)
    before = {**snapshot(registration), "capacity": event.capacity}
    if free is not None and free < party(registration):
        if not add_seat:
            raise OrganiserRefused("full")
        assert event.capacity is not None
        event.capacity += party(registration) - free  # the seats their party still needs
        event.updated_at = now
    registration.status = RegistrationStatus.confirmed
    registration.updated_at = now
    notifier.notify(
        session=session, now=now, kind="promoted", registration=registration, event=event
    )
    session.flush()
    after = {**snapshot(registration), "capacity": event.capacity}
    record_change(session, now, actor, "registration.promote", registration, event, before, after)
    mark_seats_changed(session=session, event_id=event.id)
    return registration


def resend_email(
    *,
    session: Session,
    now: datetime,
    actor: User,
    event_id: int,
    registration_id: int,
    notifier: Notifier,
) -> Registration | None:
    """Send again the email that goes with the registration's state (the confirmation
    request, the seat with its calendar entry, or the place in line), with the manage link.
    The public form's cooldown applies here too: it keeps an inbox from being flooded by a
    double click or by two organisers at once, and the attendee's current link stays valid
    (the email repeats it, nothing is rotated)."""
    found = _locked(session, now, event_id, registration_id, notifier)
    if found is None:
        return None
    event, registration = found
    kind = RESENT_KIND.get(RegistrationStatus(registration.status))
    if kind is None:
        raise OrganiserRefused("not_active")
    retry_at = registration.link_sent_at + service.RESEND_COOLDOWN
    if now < retry_at:
        raise OrganiserRefused("cooldown", retry_at=retry_at)
    registration.link_sent_at = registration.updated_at = now
    if registration.status == RegistrationStatus.pending:
        # A fresh confirmation code, as the public Resend gives: the attendee who calls
        # because theirs was tried too often gets one that works.
        issue_code(registration)
    position = waitlist_position(session=session, registration=registration)
    notifier.notify(
        session=session, now=now, kind=kind, registration=registration, event=event,
        position=position,
    )  # fmt: skip
    record_change(
        session, now, actor, "registration.resend", registration, event, None, {"email": kind}
    )
    return registration


def set_capacity(
    *,
    session: Session,
    now: datetime,
    actor: User,
    event_id: int,
    capacity: int | None,
    notifier: Notifier,
) -> tuple[Event, int]:
    """The event's capacity (None: no limit), through change_capacity: a larger one seats the
    waitlist at once. Returns the event and how many were promoted."""
    event = service.lock_event(session=session, event_id=event_id)
    if event is None:
        raise OrganiserRefused("event_missing")
    before = event.capacity
    waiting = _waitlisted_ids(session, event_id)
    event = service.change_capacity(
        session=session, now=now, event_id=event_id, capacity=capacity, notifier=notifier
    )
    promoted = len(waiting - _waitlisted_ids(session, event_id))
    if before != capacity:
        record_audit(
            session=session, now=now, actor=actor, action="event.capacity", target_type="event",
            target_id=event.id, target_label=event.slug, before={"capacity": before},
            after={"capacity": capacity, "promoted": promoted},
        )  # fmt: skip
    return event, promoted


def _waitlisted_ids(session: Session, event_id: int) -> set[int]:
    ids = session.scalars(
        select(col(Registration.id)).where(
            col(Registration.event_id) == event_id,
            col(Registration.status) == RegistrationStatus.waitlisted,
        )
    ).all()
    return {registration_id for registration_id in ids if registration_id is not None}
