"""Events that need an organiser's approval: what the organiser does with a registration that
waits for it (status "awaiting": its email address is confirmed, it holds no seat and is not
on the waitlist).

Approving places it by the usual rules, under the event's lock, as confirming does for an
event without approval: a seat when its whole party fits and nobody is waiting, the end of
the waitlist otherwise (its place in line counts from the approval). Declining ends it, with
the organiser's reason in the email if they gave one. Each writes its email and its audit
entry in the same transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from events_app.models import Event, Registration, RegistrationStatus, User
from events_app.registration import service
from events_app.registration.notify import Notifier
from events_app.registration.organiser import OrganiserRefused, record_change, snapshot
from events_app.registration.seats import has_room, party

REASON_MAX = 1000


def _awaiting(
    session: Session, now: datetime, event_id: int, registration_id: int, notifier: Notifier
) -> tuple[Event, Registration] | None:
    """The event, locked, and its registration as it is once the lock is held; None when
    either is missing. Refused unless the registration still awaits approval (a second
    organiser, or a second click, finds it decided)."""
    event = service.lock_event(session=session, event_id=event_id)
    registration = session.get(Registration, registration_id)
    if event is None or registration is None or registration.event_id != event_id:
        return None
    session.refresh(registration)
    service.release_lapsed_holds(session=session, now=now, event=event, notifier=notifier)
    if registration.status != RegistrationStatus.awaiting:
        raise OrganiserRefused("not_awaiting")
    return event, registration


def approve(
    *,
    session: Session,
    now: datetime,
    actor: User,
    event_id: int,
    registration_id: int,
    notifier: Notifier,
) -> Registration | None:
    found = _awaiting(session, now, event_id, registration_id, notifier)
    if found is None:
        return None
    event, registration = found
    before = snapshot(registration)
    registration.confirmed_at = registration.updated_at = now  # its place in line, if any
    seated = has_room(session=session, event=event, now=now, seats_needed=party(registration))
    service.place_registration(
        session=session, now=now, event=event, registration=registration, notifier=notifier,
        seated=seated,
    )  # fmt: skip
    record_change(session, now, actor, "registration.approve", registration, event, before)
    return registration


def decline(
    *,
    session: Session,
    now: datetime,
    actor: User,
    event_id: int,
    registration_id: int,
    notifier: Notifier,
    reason: str = "",
) -> Registration | None:
    found = _awaiting(session, now, event_id, registration_id, notifier)
    if found is None:
        return None
    event, registration = found
    before = snapshot(registration)
    reason = reason.strip()[:REASON_MAX]
    registration.status = RegistrationStatus.declined
    registration.updated_at = now
    notifier.notify(
        session=session, now=now, kind="declined", registration=registration, event=event,
        with_calendar=False, extra={"reason": reason},
    )  # fmt: skip
    after = {**snapshot(registration), "reason": reason}
    record_change(session, now, actor, "registration.decline", registration, event, before, after)
    return registration
