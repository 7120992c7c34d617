"""Telling attendees that their event changed: the calendar update (same UID, higher
SEQUENCE) to everyone with a seat, or the cancellation to everyone registered.

Called in the transaction that changed the event, after `save_event` raised its SEQUENCE, so
the emails go out exactly when the change is committed (through the outbox). The caller reads
`as_told(event)` before changing it, so the "Changed" email can say what the time and place
were. Those go to the email as plain JSON values (strings and dicts), worded when the change
is made: the outbox may write the email later from stored parameters, when the old event is
gone.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from events_app.events.present import format_event_when
from events_app.models import Event, EventStatus, Registration, RegistrationStatus
from events_app.registration.notify import Notifier

# Whoever still expects to come, or to hear: a cancellation reaches them all.
_REGISTERED = (
    RegistrationStatus.pending,
    RegistrationStatus.confirmed,
    RegistrationStatus.waitlisted,
    RegistrationStatus.awaiting,  # waiting for approval: told too that there is no event
)


# What a "Changed" email can name: the time as the emails word it, the place as its parts.
Told = Mapping[str, Any]


def as_told(event: Event, language: str) -> dict[str, Any]:
    """The event's time and place as the emails show them now (the time in the event's own
    zone), in JSON values only."""
    return {
        "when": format_event_when(event, language),
        "place": {"format": str(event.format), "venue": event.venue, "address": event.address},
    }


def what_changed(before: Told, after: Told) -> dict[str, Any]:
    """{"when": {"old": ..., "new": ...}, "place": ...}, with only what differs."""
    return {
        key: {"old": before[key], "new": after[key]}
        for key in ("when", "place")
        if key in before and before[key] != after[key]
    }


def notify_event_change(
    *,
    session: Session,
    now: datetime,
    event: Event,
    notifier: Notifier,
    before: Told | None = None,
) -> int:
    """Queue the emails for a change to `event`'s time, place or status; returns how many.
    `before`: `as_told(event)` read before the change, so that the email says what changed
    (without it, it gives only the new time and place)."""
    after = as_told(event, notifier.settings.language)
    changes = what_changed(before, after) if before is not None else {}
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
            extra={"changes": changes},
        )
    return len(registrations)
