"""What a save would change for the attendees of an event, as the "Email N attendees about
this change?" page lists it: old → new for each of what the Changed email and the calendar
entry carry (events.editing.CALENDAR_FIELDS): the time in the event's own zone with the zone
named, the format, venue, address, online link and status. Worded by the same function as
the email's time (events.present.format_event_when), so the page and the email agree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from events_app.events.present import format_event_when
from events_app.events.schemas import EventCreate
from events_app.models import Event


@dataclass(frozen=True)
class _Times:
    starts_at: datetime
    ends_at: datetime
    timezone: str
    all_day: bool


@dataclass(frozen=True)
class Change:
    """One line of the page: `field` says how the template words it (format and status
    values are labelled there; "" is "none")."""

    field: str
    old: str
    new: str


def _when(times: _Times, language: str) -> str:
    # The zone by name as well as by its abbreviation: "CET (UTC+1)" alone does not say
    # which of the zones sharing it the event follows.
    return f"{format_event_when(times, language)} · {times.timezone}"


def preview_changes(
    event: Event, data: EventCreate, language: str, *, status: str | None = None
) -> list[Change]:
    """The lines that differ between the stored `event` and what `data` would save;
    `status`: the one the save's publishing choice gives it (a draft published on saving)."""
    old = _Times(event.starts_at, event.ends_at, event.timezone, event.all_day)
    new = _Times(data.starts_at_utc, data.ends_at_utc, data.timezone, data.all_day)
    changes: list[Change] = []
    if old != new:
        before, after = _when(old, language), _when(new, language)
        changes.append(Change("when", before, after))
    for name in ("format", "venue", "address", "online_url", "status"):
        before, after = str(getattr(event, name) or ""), str(getattr(data, name) or "")
        if name == "status" and status is not None:
            after = status
        if before != after:
            changes.append(Change(name, before, after))
    return changes
