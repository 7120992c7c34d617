"""Creating, changing and deleting events from the back office: the public rules (save_event,
the registration service's event lock and capacity change, notify_event_change), plus what
the back office adds: the organiser decides whether attendees hear of a change, and every
change goes to the audit log with what it was before and after.

Telling attendees: a change to an event's time, place or status (its SEQUENCE rises) while it
has confirmed attendees needs the organiser's decision (`notify` True or False); without one,
`NotifyDecisionNeeded` says how many would be emailed and nothing is written. Cancelling is
the exception: everyone registered is always told. The page that asks carries
`edit_version` of what it showed; `update_event` given it (`seen`) refuses with
`StaleDecision` when the event or its number of confirmed attendees moved since, so a
decision is never applied to a change it was not asked about.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from events_app.audit.records import record_audit
from events_app.content import mark_calendar_changed
from events_app.events.editing import UnknownArticles, changes_calendar, find_event, save_event
from events_app.events.records import KEPT_EVENT_FIELDS, event_record
from events_app.events.schemas import EventCreate
from events_app.models import (
    ACTIVE_STATUSES,
    Event,
    EventStatus,
    Registration,
    RegistrationStatus,
    User,
)
from events_app.registration.event_changes import as_told, notify_event_change
from events_app.registration.notify import Notifier
from events_app.registration.service import change_capacity, lock_event

TARGET = "event"


class EventRefused(ValueError):
    """A change the rules refuse; `errors` maps a form field to a code the page words:
    slug 'taken', articles 'choice', delete 'registrations', publish_at 'past'."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(f"{field}: {code}" for field, code in errors.items()))
        self.errors = errors


class NotifyDecisionNeeded(Exception):
    """The change would move the event for `count` confirmed attendees: ask first."""

    def __init__(self, count: int) -> None:
        super().__init__(count)
        self.count = count


class StaleDecision(Exception):
    """The event (or who is confirmed for it) changed since the organiser was asked."""


def edit_version(event: Event, confirmed: int) -> str:
    """What a decision about telling attendees was made on: the event as the organiser can
    change it, and how many confirmed attendees would hear."""
    record = json.dumps([event_snapshot(event), confirmed], sort_keys=True, default=str)
    return hashlib.sha256(record.encode()).hexdigest()[:32]


def event_snapshot(event: Event) -> dict[str, Any]:
    """Everything the organiser can change, as the audit log keeps it; also a complete
    record from which an EventCreate can be made again (see `changed_data`)."""
    record = event_record(event)
    record.update({name: getattr(event, name) for name in KEPT_EVENT_FIELDS})
    return record


def changed_data(event: Event, **changes: Any) -> EventCreate:
    """The event as it is, with `changes`: what the publishing actions save."""
    return EventCreate.model_validate(event_snapshot(event) | changes)


def count_registrations(
    *, session: Session, event_id: int, statuses: tuple[RegistrationStatus, ...]
) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(Registration)
            .where(col(Registration.event_id) == event_id, col(Registration.status).in_(statuses))
        )
        or 0
    )


def _check_slug(session: Session, slug: str, event: Event | None) -> None:
    other = find_event(session=session, slug=slug)
    if other is not None and other is not event:
        raise EventRefused({"slug": "taken"})


def _save(session: Session, now: datetime, data: EventCreate, event: Event | None) -> Event:
    try:
        with session.begin_nested():  # two organisers taking the same address at once
            return save_event(session=session, now=now, data=data, event=event)
    except UnknownArticles as exc:  # removed since the form was shown
        raise EventRefused({"articles": "choice"}) from exc
    except IntegrityError as exc:
        raise EventRefused({"slug": "taken"}) from exc


def create_event(
    *,
    session: Session,
    now: datetime,
    actor: User,
    data: EventCreate,
    copied_from: str | None = None,
) -> Event:
    _check_slug(session, data.slug, None)
    event = _save(session, now, data, None)
    after = event_snapshot(event) | ({"copied_from": copied_from} if copied_from else {})
    source = find_event(session=session, slug=copied_from) if copied_from else None
    if source is not None and source.questions:
        # The form carries what a copy shares but not the questions (they have their own
        # page), so they come from the original as it is now; its answers stay with it.
        event.questions = [dict(question) for question in source.questions]
        after["questions"] = event.questions
    record_audit(
        session=session,
        now=now,
        actor=actor,
        action="event.create",
        target_type=TARGET,
        target_id=event.id,
        target_label=event.title,
        before=None,
        after=after,
    )
    return event


def update_event(
    *,
    session: Session,
    now: datetime,
    actor: User,
    event_id: int,
    data: EventCreate,
    notify: bool | None,
    notifier: Notifier,
    action: str = "event.update",
    seen: str | None = None,
) -> tuple[Event, int] | None:
    """Apply `data` to the event under its lock; (the event, how many were emailed), or None
    when it no longer exists. `seen`: the edit_version the `notify` decision was made on.
    Raises NotifyDecisionNeeded, StaleDecision, EventRefused."""
    event = lock_event(session=session, event_id=event_id)
    if event is None:
        return None
    if seen is not None:
        confirmed = count_registrations(
            session=session, event_id=event_id, statuses=(RegistrationStatus.confirmed,)
        )
        if edit_version(event, confirmed) != seen:
            raise StaleDecision
    _check_slug(session, data.slug, event)
    cancelling = data.status == EventStatus.cancelled != event.status
    # Already cancelled and staying so: they were told; a later edit is not news to them.
    still_cancelled = data.status == EventStatus.cancelled == event.status
    tell = cancelling or (bool(notify) and not still_cancelled)
    if changes_calendar(event, data) and notify is None and not cancelling and not still_cancelled:
        confirmed = count_registrations(
            session=session, event_id=event_id, statuses=(RegistrationStatus.confirmed,)
        )
        if confirmed:
            raise NotifyDecisionNeeded(confirmed)
    before, sequence, capacity = event_snapshot(event), event.sequence, event.capacity
    told = as_told(event, notifier.settings.language)  # the Changed email names what it was
    event = _save(session, now, data, event)
    if event.capacity != capacity:  # a larger capacity moves the waitlist up at once
        change_capacity(
            session=session, now=now, event_id=event_id, capacity=event.capacity, notifier=notifier
        )
    notified = 0
    if tell and event.sequence > sequence:
        notified = notify_event_change(
            session=session, now=now, event=event, notifier=notifier, before=told
        )
    record_audit(
        session=session,
        now=now,
        actor=actor,
        action=action,
        target_type=TARGET,
        target_id=event.id,
        target_label=event.title,
        before=before,
        after=event_snapshot(event) | ({"attendees_emailed": notified} if notified else {}),
    )
    return event, notified


def delete_event(*, session: Session, now: datetime, actor: User, event_id: int) -> bool:
    """Delete the event and everything tied to it (registrations, links). An event with
    registrations must be cancelled first, which tells every attendee: deleting is never how
    they find out. False when it no longer exists."""
    event = lock_event(session=session, event_id=event_id)
    if event is None:
        return False
    registered = count_registrations(session=session, event_id=event_id, statuses=ACTIVE_STATUSES)
    if registered and event.status != EventStatus.cancelled:
        raise EventRefused({"delete": "registrations"})
    before = event_snapshot(event) | {"registrations": registered}
    label = event.title
    session.delete(event)
    mark_calendar_changed(session=session, now=now)
    session.flush()
    record_audit(
        session=session,
        now=now,
        actor=actor,
        action="event.delete",
        target_type=TARGET,
        target_id=event_id,
        target_label=label,
        before=before,
        after=None,
    )
    return True
