"""Reminder emails: each event may remind its confirmed attendees a set time before it starts
(`Event.reminder_hours`, 24 by default; 0 or None: no reminder). The mail worker sends them.

Exactly once per attendee, however many workers run and whenever one is stopped: a worker
claims the due registrations with row locks inside its write transaction (SELECT ... FOR
UPDATE SKIP LOCKED on PostgreSQL, so two workers take disjoint rows without waiting; on
SQLite the transaction began with BEGIN IMMEDIATE and holds the write lock), and in that same
transaction writes each email to the outbox and sets `reminder_sent_at`. A crash before the
commit leaves both undone; after it, the row no longer matches. The locks are the write
session's (events_app/row_locks.py): tests/registration/test_reminders.py gives two workers
a database without them and sees duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select
from sqlmodel import Session, col

from events_app.events.queries import is_live
from events_app.models import Event, EventStatus, Registration, RegistrationStatus
from events_app.registration.notify import Notifier
from events_app.row_locks import locked

KIND = "reminder"
BATCH = 50


@dataclass(frozen=True)
class ReminderBatch:
    claimed: int  # registrations dealt with (their reminder_sent_at is now set)
    queued: int  # emails written to the outbox


def reminder_moment(event: Event) -> datetime | None:
    if not event.reminder_hours:
        return None
    return event.starts_at - timedelta(hours=event.reminder_hours)


def _due(session: Session, now: datetime) -> ColumnElement[bool] | None:
    """Events whose reminder moment has come. Each event has its own number of hours; there
    are only a few distinct values, so each becomes a plain bound on `starts_at` (exact, the
    same on SQLite and PostgreSQL, and served by the index) instead of date arithmetic."""
    hours = session.scalars(
        select(col(Event.reminder_hours))
        .where(col(Event.reminder_hours) > 0, col(Event.starts_at) > now)
        .distinct()
    ).all()
    if not hours:
        return None
    return or_(
        *(
            and_(
                col(Event.reminder_hours) == number,
                col(Event.starts_at) <= now + timedelta(hours=number),
            )
            for number in sorted(h for h in hours if h)
        )
    )


def due_reminders(
    *, session: Session, now: datetime, limit: int = BATCH
) -> list[tuple[Registration, Event]]:
    """Confirmed registrations of live, scheduled events that have not started, whose reminder
    is due and not yet dealt with; soonest event first. Inside a write transaction the rows
    are claimed: other workers skip them."""
    due = _due(session, now)
    if due is None:
        return []
    query = (
        select(Registration, Event)
        .join(Event, col(Event.id) == col(Registration.event_id))
        .where(
            col(Registration.status) == RegistrationStatus.confirmed,
            col(Registration.reminder_sent_at).is_(None),
            col(Event.status) == EventStatus.published,
            is_live(now),
            col(Event.starts_at) > now,
            due,
        )
        .order_by(col(Event.starts_at), col(Registration.id))
        .limit(limit)
    )
    query = locked(session, query, of=Registration, skip_locked=True)
    return [(row[0], row[1]) for row in session.execute(query).all()]


def record_reminder(
    *, session: Session, now: datetime, registration: Registration, event: Event, notifier: Notifier
) -> bool:
    """Queue the reminder and mark it sent, in the caller's transaction. Someone who confirmed
    after the reminder moment has just had every detail in their confirmation: they are
    marked, and no second email follows it. True when an email was queued."""
    registration.reminder_sent_at = now
    moment = reminder_moment(event)
    confirmed_at = registration.confirmed_at
    if confirmed_at is not None and moment is not None and confirmed_at >= moment:
        return False
    notifier.notify(session=session, now=now, kind=KIND, registration=registration, event=event)
    return True


def send_due_reminders(
    *, session: Session, now: datetime, notifier: Notifier, limit: int = BATCH
) -> ReminderBatch:
    """Claim up to `limit` due reminders and queue them. `session` is a write transaction
    (`Database.write()`): the claim and the emails commit together, or not at all."""
    claimed = due_reminders(session=session, now=now, limit=limit)
    queued = sum(
        record_reminder(
            session=session, now=now, registration=registration, event=event, notifier=notifier
        )
        for registration, event in claimed
    )
    session.flush()
    return ReminderBatch(claimed=len(claimed), queued=queued)
