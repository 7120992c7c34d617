"""Check-in at the door: marking a confirmed registration attended (by its code, or from the
list), undoing that, and what the door's list shows.

Every change takes the event's lock first (service.lock_event), like every other change to
an event's registrations, and re-reads the registration under it: a cancellation arriving
at the same moment either happens before (and the attendee is refused) or after (and the
attended mark goes with it); never half of each. Every change is in the audit log.
Attended keeps the seat (seats.SEATED), so seat counts and public pages do not change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlmodel import Session, col

from events_app.audit.records import record_audit
from events_app.models import Event, Registration, RegistrationStatus, User
from events_app.registration.checkin_codes import normalise_code
from events_app.registration.service import lock_event

TARGET = "registration"
CHECK_IN, UNDO = "registration.check_in", "registration.check_in_undo"


class EventGone(LookupError):
    """The event was deleted between loading the page and the change."""


def lock_door(session: Session, event_id: int) -> Event:
    """The event, locked for a change to its registrations; EventGone when it is gone."""
    event = lock_event(session=session, event_id=event_id)
    if event is None:
        raise EventGone(event_id)
    return event


_lock = lock_door


class Outcome(StrEnum):
    checked_in = "checked_in"
    already = "already"  # attended already: when is in registration.checked_in_at
    undone = "undone"
    not_checked_in = "not_checked_in"  # an undo for someone who was not checked in
    not_admitted = "not_admitted"  # registered, but without a seat: see registration.status
    other_event = "other_event"  # the code is a registration for another event
    unknown = "unknown"  # no registration has this code (or id, for this event)
    invalid = "invalid"  # not the shape of a code at all


@dataclass(frozen=True)
class CheckinResult:
    outcome: Outcome
    registration: Registration | None = None
    other_event: Event | None = None  # for Outcome.other_event


def _snapshot(registration: Registration) -> dict[str, object]:
    return {"status": registration.status, "checked_in_at": registration.checked_in_at}


def _audit(
    session: Session, now: datetime, actor: User, registration: Registration, event: Event,
    action: str, before: dict[str, object],
) -> None:  # fmt: skip
    record_audit(
        session=session, now=now, actor=actor, action=action, target_type=TARGET,
        target_id=registration.id, target_label=f"{registration.name} · {event.title}",
        before=before, after=_snapshot(registration),
    )  # fmt: skip


def _mark_attended(
    session: Session, now: datetime, actor: User, event: Event, registration: Registration,
    at: datetime | None = None,
) -> CheckinResult:  # fmt: skip
    """`at`: when a device checked them in while offline (door_sync.py), else now. Of two
    devices checking the same person in, the earlier check-in's time is the one kept,
    whichever reached the server first."""
    at = at or now
    if registration.status == RegistrationStatus.attended:
        first = registration.checked_in_at
        if first is not None and at < first:
            before = _snapshot(registration)
            registration.checked_in_at = at
            registration.updated_at = now
            session.flush()
            _audit(session, now, actor, registration, event, CHECK_IN, before)
        return CheckinResult(Outcome.already, registration)
    if registration.status != RegistrationStatus.confirmed:
        return CheckinResult(Outcome.not_admitted, registration)
    before = _snapshot(registration)
    registration.status = RegistrationStatus.attended
    registration.checked_in_at = at
    registration.updated_at = now
    session.flush()
    _audit(session, now, actor, registration, event, CHECK_IN, before)
    return CheckinResult(Outcome.checked_in, registration)


def _registration(session: Session, event_id: int, registration_id: int) -> Registration | None:
    return session.scalar(
        select(Registration).where(
            col(Registration.id) == registration_id, col(Registration.event_id) == event_id
        )
    )


def check_in_by_code(
    *, session: Session, now: datetime, actor: User, event_id: int, code: str
) -> CheckinResult:
    """What the door's code field does with what was typed or scanned."""
    if normalise_code(code) is None:
        return CheckinResult(Outcome.invalid)
    return check_in_code_locked(
        session=session, now=now, actor=actor, event=_lock(session, event_id), code=code
    )


def check_in_code_locked(
    *, session: Session, now: datetime, actor: User, event: Event, code: str,
    at: datetime | None = None,
) -> CheckinResult:  # fmt: skip
    """check_in_by_code for a caller that holds the event's lock already (a device's batch
    takes it once for all its check-ins), checked in at `at` (default: now)."""
    normal = normalise_code(code)
    if normal is None:
        return CheckinResult(Outcome.invalid)
    assert event.id is not None
    event_id = event.id
    registration = session.scalar(
        select(Registration).where(col(Registration.checkin_code) == normal)
    )
    if registration is None:
        return CheckinResult(Outcome.unknown)
    if registration.event_id != event_id:
        other = session.get(Event, registration.event_id)
        return CheckinResult(Outcome.other_event, registration, other_event=other)
    return _mark_attended(session, now, actor, event, registration, at)


def check_in(
    *, session: Session, now: datetime, actor: User, event_id: int, registration_id: int
) -> CheckinResult:
    """The list's "Mark attended" button."""
    event = _lock(session, event_id)
    registration = _registration(session, event_id, registration_id)
    if registration is None:
        return CheckinResult(Outcome.unknown)
    return _mark_attended(session, now, actor, event, registration)


def undo_check_in(
    *, session: Session, now: datetime, actor: User, event_id: int, registration_id: int
) -> CheckinResult:
    """Back to confirmed: the seat was never given up, so nobody's place changes."""
    event = _lock(session, event_id)
    registration = _registration(session, event_id, registration_id)
    if registration is None:
        return CheckinResult(Outcome.unknown)
    if registration.status != RegistrationStatus.attended:
        return CheckinResult(Outcome.not_checked_in, registration)
    before = _snapshot(registration)
    registration.status = RegistrationStatus.confirmed
    registration.checked_in_at = None
    registration.updated_at = now
    session.flush()
    _audit(session, now, actor, registration, event, UNDO, before)
    return CheckinResult(Outcome.undone, registration)
