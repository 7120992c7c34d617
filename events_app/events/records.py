"""An event as a record: its content as the event form and the transfer format name it,
with times in the event's own timezone. The audit trail stores these before and after a
change; `events-app export` writes them and import reads them back."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from events_app.events.schemas import EventCreate
from events_app.models import Event, EventFormat, EventStatus
from events_app.timezones import zone

CONTENT_KEYS = (
    "slug", "title", "summary", "description", "starts_at", "ends_at", "timezone", "all_day",
    "venue", "address", "online_url", "format", "capacity", "status", "publish_at",
    "categories", "articles",
)  # fmt: skip
# The event's calendar identity (RFC 5545 UID and SEQUENCE): carried so that a restore, or a
# move to another database, keeps every subscriber's and attendee's calendar entry updating
# instead of duplicating it. Both are optional on import.
IDENTITY_KEYS = ("uid", "sequence")
# The map position (decimal degrees, both or neither). Exported and imported, but an import
# record without these keys keeps the stored position (see KEPT_EVENT_FIELDS), as files
# written before the position was exported expect.
POSITION_KEYS = ("latitude", "longitude")
# The registration form's own questions (events/questions.py), as a list of records. An
# import record without the key keeps the stored questions, as files written before the
# questions were exported expect; with it, the event asks exactly these.
QUESTIONS_KEY = "questions"
# How registration works (approval, guests): exported and imported, kept as stored when an
# import record leaves them out, like the position.
REGISTRATION_KEYS = ("approval_required", "max_guests")
EVENT_KEYS = (*CONTENT_KEYS, *POSITION_KEYS, *REGISTRATION_KEYS, *IDENTITY_KEYS, QUESTIONS_KEY)

# What an event has beyond the format (organizer, map position, registration window...): an
# import that updates an event keeps these as they are rather than blanking them.
KEPT_EVENT_FIELDS = tuple(name for name in EventCreate.model_fields if name not in CONTENT_KEYS)

Record = dict[str, Any]


def event_record(event: Event) -> Record:
    """The event's content (what EventCreate takes). All-day events as plain dates (last day
    inclusive), timed ones as ISO 8601 in the event's own timezone: what a person editing the
    file expects to read."""
    tz = zone(event.timezone)
    start, end = event.starts_at.astimezone(tz), event.ends_at.astimezone(tz)
    if event.all_day:
        starts_at, ends_at = start.date().isoformat(), (end.date() - timedelta(days=1)).isoformat()
    else:
        starts_at, ends_at = start.isoformat(), end.isoformat()
    return {
        "slug": event.slug,
        "title": event.title,
        "summary": event.summary,
        "description": event.description,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "timezone": event.timezone,
        "all_day": event.all_day,
        "venue": event.venue,
        "address": event.address,
        "online_url": event.online_url,
        "format": EventFormat(event.format).value,
        "capacity": event.capacity,
        "status": EventStatus(event.status).value,
        "publish_at": event.publish_at.astimezone(tz).isoformat() if event.publish_at else None,
        "categories": [c.name for c in sorted(event.categories, key=lambda c: c.slug)],
        "articles": sorted(article.slug for article in event.articles),
    }


def exported_event_record(event: Event) -> Record:
    """An event as the JSON export writes it: its content, map position, calendar identity
    and registration questions."""
    position = {"latitude": event.latitude, "longitude": event.longitude}
    rules = {"approval_required": event.approval_required, "max_guests": event.max_guests}
    identity = {"uid": event.uid, "sequence": event.sequence}
    questions = {QUESTIONS_KEY: list(event.questions)}
    return {**event_record(event), **position, **rules, **identity, **questions}
