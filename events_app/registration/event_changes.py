"""Telling attendees that their event changed: the calendar update (same UID, higher
SEQUENCE) to everyone with a seat, or the cancellation to everyone registered.

Called in the transaction that changed the event, after `save_event` raised its SEQUENCE, so
the emails go out exactly when the change is committed (through the outbox).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from events_app.models import Event, EventStatus, Registration, RegistrationStatus
from events_app.registration.notify import Notifier

# Whoever still expects to come, or to hear: a cancellation reaches them all.
_REGISTERED = (
    RegistrationStatus.pending,
    RegistrationStatus.confirmed,
    RegistrationStatus.waitlisted,
)


def notify_event_change(
    *, session: Session, now: datetime, event: Event, notifier: Notifier
) -> int:
    """Queue the emails for a change to `event`'s time, place or status; returns how many."""
    cancelled = event.status == EventStatus.cancelled
    statuses = _REGISTERED if cancelled else (RegistrationStatus.confirmed,)
    registrations = session.scalars(
        select(Registration)
        .where(col(Registration.event_id) == event.id, col(Registration.status).in_(statuses))
        .order_by(col(Registration.id))
    ).all()
    for registration in registrations:
        notifier.notify(
            session=session,
            now=now,
            kind="event_cancelled" if cancelled else "event_changed",
            registration=registration,
            event=event,
            # Only a confirmed seat put the event in their calendar.
            with_calendar=registration.status == RegistrationStatus.confirmed,
        )
    return len(registrations)
