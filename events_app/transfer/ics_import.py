"""Reading an iCalendar file as event records. Each VEVENT is matched by its UID: an event
already imported (or exported from here) is updated, anything else is created with that UID.
What iCalendar cannot carry (online link, capacity, summary, related articles...) is kept
from the existing event."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from icalendar import Calendar
from icalendar import Event as VEvent
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON
from sqlalchemy import select
from sqlmodel import Session, col

from events_app.calendar.vevent import place_text, plain_description
from events_app.date_range import OUT_OF_RANGE, in_range
from events_app.models import Event, EventStatus
from events_app.site_urls import SiteUrls
from events_app.slugs import slugify
from events_app.timezones import WallClockError, localize, zone
from events_app.transfer.matching import events_by
from events_app.transfer.records import (
    Document,
    IncomingRecord,
    Record,
    UnreadableFile,
    event_record,
)

UID_MAX_LENGTH = 120  # Event.uid
_STATUS = {"CANCELLED": EventStatus.cancelled, "TENTATIVE": EventStatus.postponed}
_REPEATS = ("RRULE", "RDATE", "RECURRENCE-ID")
_ESCAPED = re.compile(r"\\([\\;,])")


def ascii_slug(text: str) -> str:
    return slugify(text, max_length=80) or "event"


def unique_slug(title: str, *, taken: set[str]) -> str:
    """`taken`: every slug stored or already given to a record of the file."""
    base = candidate = ascii_slug(title)
    number = 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def _iana_name(name: object) -> str | None:
    if not isinstance(name, str) or not name:
        return None
    try:
        return zone(name).key
    except WallClockError:
        return None


def _start_and_end(vevent: VEvent) -> tuple[date, date]:
    if "DTSTART" not in vevent:
        raise ValueError("DTSTART: is required")
    try:
        start = vevent.start
    except ValueError as exc:
        raise ValueError(f"DTSTART: {exc}") from None
    if isinstance(start, datetime) and not ("DTEND" in vevent or "DURATION" in vevent):
        raise ValueError("DTEND: is required (or DURATION) for an event with a start time")
    try:
        return start, vevent.end
    except ValueError as exc:
        raise ValueError(f"DTEND: {exc}") from None


def _times(vevent: VEvent) -> Record:
    start, end = _start_and_end(vevent)
    for moment, name_of in ((start, "DTSTART"), (end, "DTEND")):
        if not in_range(moment):  # before any conversion, which could overflow
            raise ValueError(f"{name_of}: {OUT_OF_RANGE}")
    if not isinstance(start, datetime):
        # DTEND of a VALUE=DATE event is exclusive; the record gives the last day.
        last = end - timedelta(days=1) if isinstance(end, date) else start
        return {"all_day": True, "starts_at": start, "ends_at": max(start, last)}
    tzid = str(vevent["DTSTART"].params.get("TZID", ""))
    # Outlook and Exchange name zones the Windows way ("W. Europe Standard Time").
    candidates = (getattr(start.tzinfo, "key", None), tzid, WINDOWS_TO_OLSON.get(tzid))
    name = next((n for n in map(_iana_name, candidates) if n), None)
    if name is None or start.tzinfo is None:
        name = "UTC"
    tz = zone(name)

    def aware(moment: Any, name_of: str) -> Any:
        try:
            return wall_clock(moment)
        except WallClockError as exc:
            raise ValueError(f"{name_of}: {exc}") from None

    def wall_clock(moment: Any) -> Any:
        if not isinstance(moment, datetime):
            return moment
        if moment.tzinfo is None:
            # A floating time (no zone at all) is read as UTC: the file gives nothing better.
            return moment.replace(tzinfo=UTC).astimezone(tz)
        if getattr(moment.tzinfo, "key", None) == name:
            # A wall-clock time in a named zone: one that does not exist is refused rather
            # than moved, one that happens twice is its first occurrence (RFC 5545).
            return localize(moment.replace(tzinfo=None), tz, repeated="first")
        return moment.astimezone(tz)

    return {
        "all_day": False,
        "timezone": name,
        "starts_at": aware(start, "DTSTART"),
        "ends_at": aware(end, "DTEND"),
    }


def _categories(vevent: VEvent) -> list[str]:
    # icalendar splits CATEGORIES on unescaped commas but leaves "\," inside a name escaped.
    names = (_ESCAPED.sub(r"\1", str(name)).strip() for name in vevent.categories)
    return list(dict.fromkeys(name for name in names if name))


def _is_our_description(description: str, existing: Event, urls: SiteUrls) -> bool:
    """Whether DESCRIPTION is the text our own export wrote for `existing`: its plain text,
    then the event's address and links (calendar/vevent.py `describe`). The address may be
    under another base URL (a file exported from a copy of this site): only its route's path
    must match."""
    ours = plain_description(existing.description_html, existing.summary)
    if description == ours:
        return True
    if ours and not description.startswith(ours + "\n\n"):
        return False
    tail = description[len(ours) :].lstrip("\n")
    address = urls.route_path("event_detail", slug=existing.slug)
    return any(part.startswith("http") and part.endswith(address) for part in tail.split("\n\n"))


def _ics_values(vevent: VEvent, existing: Event | None, urls: SiteUrls) -> Record:
    values = _times(vevent)
    status = str(vevent.get("STATUS", "")).upper()
    values.update(
        title=str(vevent.get("SUMMARY", "")),
        status=_STATUS.get(status, EventStatus.published).value,
        categories=_categories(vevent),
    )
    description = str(vevent.get("DESCRIPTION", "")).strip()
    location = str(vevent.get("LOCATION", "")).strip()
    if existing is None:
        return {**values, "description": description, "venue": location}
    base = event_record(existing)
    if values["all_day"]:
        values["timezone"] = existing.timezone  # dates carry no zone; the event's own stays
    # The file holds these as plain text made from ours: unchanged text keeps our Markdown,
    # our venue and address apart.
    if not _is_our_description(description, existing, urls):
        values["description"] = description
    if location != place_text(existing.venue, existing.address):
        values.update(venue=location, address="")
    return {**base, **values}


def _uid(vevent: VEvent) -> str:
    return str(vevent.get("UID", "")).strip()


def _record(
    index: int, vevent: VEvent, *, stored: dict[str, Event], taken: set[str], urls: SiteUrls
) -> IncomingRecord:
    uid = _uid(vevent)
    label = f"VEVENT[{index}] (UID {uid!r})" if uid else f"VEVENT[{index}]"
    problems = [
        f"{name}: repeating events are not supported" for name in _REPEATS if name in vevent
    ]
    if not uid:
        problems.append("UID: is required (it is what matches the event on the next import)")
    elif len(uid) > UID_MAX_LENGTH:
        problems.append(f"UID: must be at most {UID_MAX_LENGTH} characters")
    existing = stored.get(uid) if uid else None
    try:
        values = _ics_values(vevent, existing, urls)
    except ValueError as exc:
        return IncomingRecord(label, None, uid or None, (*problems, str(exc)))
    if existing is None:
        values["timezone"] = values.get("timezone", "UTC")
        values["slug"] = unique_slug(values["title"], taken=taken)
    taken.add(values["slug"])
    return IncomingRecord(label, values, uid or None, tuple(problems))


def read_ics(data: bytes, *, session: Session, urls: SiteUrls) -> Document:
    try:
        calendar = Calendar.from_ical(data)
    except ValueError as exc:
        raise UnreadableFile(f"not a valid iCalendar file: {exc}") from None
    # Looked up for the whole file at once: no query per VEVENT (matching.py).
    uids = {uid for vevent in calendar.events if (uid := _uid(vevent))}
    stored = {e.uid: e for e in events_by(session=session, slugs=(), uids=uids)}
    taken = set(session.scalars(select(col(Event.slug))))
    events = [
        _record(index, vevent, stored=stored, taken=taken, urls=urls)
        for index, vevent in enumerate(calendar.events)
    ]
    return Document(events=events)
