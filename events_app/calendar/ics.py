"""Whole iCalendar files: a VCALENDAR head, one VTIMEZONE per TZID used, and the VEVENTs.

The parts are kept as bytes and joined, so a feed rebuilt after one event changed reuses the
head, the timezones and every other event's VEVENT (see vevent.py) and serialises only the one
that changed. Each part is what `icalendar` itself writes for it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from icalendar import Calendar, vDuration, vText

from events_app.calendar.entries import CalendarEntry
from events_app.calendar.vevent import CalendarSite, serialised_vevent
from events_app.calendar.vtimezone import timezone_bytes

PRODID = "-//events_app//events_app//EN"
REFRESH_INTERVAL = timedelta(hours=1)
_END = b"END:VCALENDAR\r\n"


@dataclass(frozen=True, slots=True)
class CalendarHead:
    """The VCALENDAR's own properties. `source` is set for feeds that calendar apps poll."""

    name: str
    url: str
    method: str = "PUBLISH"
    description: str = ""
    source: str = ""


@lru_cache(maxsize=512)
def head_bytes(head: CalendarHead) -> bytes:
    calendar = Calendar.new(
        prodid=PRODID,
        calscale="GREGORIAN",
        method=head.method,
        url=head.url,
        uid=uuid.uuid5(uuid.NAMESPACE_URL, head.source or head.url),
    )
    # As vText, so a line break or `;` in an event's title is escaped: `icalendar` writes
    # the X-WR- names unescaped otherwise (and refuses to write the file at all).
    for key in ("NAME", "X-WR-CALNAME"):
        calendar.add(key, vText(head.name))
    if head.description:
        for key in ("DESCRIPTION", "X-WR-CALDESC"):
            calendar.add(key, vText(head.description))
    if head.source:
        # RFC 7986 asks for VALUE=DURATION and VALUE=URI; X-PUBLISHED-TTL is what Outlook and
        # Apple Calendar read instead.
        calendar.add("REFRESH-INTERVAL", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
        calendar.add("SOURCE", vText(head.source), parameters={"VALUE": "URI"})
        calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH_INTERVAL))
    data = calendar.to_ical()
    assert data.endswith(_END)
    return data[: -len(_END)]


def timezones_needed(entries: Iterable[CalendarEntry]) -> list[bytes]:
    """One VTIMEZONE per TZID that a timed entry uses, covering that zone's events."""
    years: dict[str, tuple[int, int]] = {}
    for entry in entries:
        if entry.all_day:
            continue
        first, last = entry.starts_at.year - 1, entry.ends_at.year + 2
        known = years.get(entry.timezone)
        years[entry.timezone] = (
            (min(first, known[0]), max(last, known[1])) if known else (first, last)
        )
    return [timezone_bytes(tzid, *span) for tzid, span in sorted(years.items())]


def assemble_calendar(
    head: CalendarHead, entries: Sequence[CalendarEntry], vevents: Sequence[bytes]
) -> bytes:
    return b"".join([head_bytes(head), *timezones_needed(entries), *vevents, _END])


def build_calendar(
    entries: Sequence[CalendarEntry],
    *,
    site: CalendarSite,
    head: CalendarHead,
    private: bool = False,
) -> bytes:
    """A published calendar of `entries` (drafts are never passed in)."""
    vevents = [serialised_vevent(entry, site, private=private) for entry in entries]
    return assemble_calendar(head, entries, vevents)


def calendar_stamp(entries: Iterable[CalendarEntry], fallback: datetime) -> datetime:
    """The last change among `entries`: a stable Last-Modified for a calendar file."""
    return max((entry.updated_at for entry in entries), default=fallback)
