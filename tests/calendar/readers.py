"""Reading an iCalendar file back as a calendar app would, with two independent parsers
(icalendar and vobject), so that the tests can check both read the same thing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import Any

import icalendar
import vobject


@dataclass(frozen=True)
class ReadEvent:
    """One VEVENT as a calendar app understands it. Timed starts and ends are instants in
    UTC; `start_wall` is DTSTART as written (local time for a TZID, UTC for a Z time)."""

    uid: str
    summary: str
    description: str
    location: str | None
    status: str
    sequence: int
    start: date | datetime
    end: date | datetime
    start_tzid: str | None
    end_tzid: str | None
    start_wall: date | datetime


def _instant(value: date | datetime, tzid: str | None, zones: dict[str, tzinfo]) -> Any:
    if not isinstance(value, datetime):
        return value
    if tzid is not None:
        value = value.replace(tzinfo=zones[tzid])
    assert value.tzinfo is not None, f"floating time {value}"
    return value.astimezone(UTC)


def _wall(value: date | datetime) -> date | datetime:
    return value.replace(tzinfo=None) if isinstance(value, datetime) else value


def read_with_icalendar(data: bytes) -> dict[str, ReadEvent]:
    calendar = icalendar.Calendar.from_ical(data)
    assert calendar.get_missing_tzids() == set()
    events: dict[str, ReadEvent] = {}
    for vevent in calendar.events:
        start, end = vevent.start, vevent.end
        start_tzid = vevent["DTSTART"].params.get("TZID")
        end_tzid = vevent["DTEND"].params.get("TZID")
        location = vevent.get("LOCATION")
        events[str(vevent["UID"])] = ReadEvent(
            uid=str(vevent["UID"]),
            summary=str(vevent["SUMMARY"]),
            description=str(vevent["DESCRIPTION"]),
            location=None if location is None else str(location),
            status=str(vevent["STATUS"]),
            sequence=vevent.sequence,
            start=_instant(start, None, {}),
            end=_instant(end, None, {}),
            start_tzid=None if start_tzid is None else str(start_tzid),
            end_tzid=None if end_tzid is None else str(end_tzid),
            start_wall=_wall(start),
        )
    return events


def vobject_zones(calendar: Any) -> dict[str, tzinfo]:
    """The file's own VTIMEZONEs, as vobject reads them (dateutil's tzical)."""
    return {zone.tzid.value: zone.gettzinfo() for zone in calendar.contents.get("vtimezone", [])}


def _vobject_tzid(line: Any) -> str | None:
    # vobject moves TZID to X-VOBJ-ORIGINAL-TZID once it has turned the value into a datetime.
    tzids = line.params.get("X-VOBJ-ORIGINAL-TZID") or line.params.get("TZID")
    return str(tzids[0]) if tzids else None


def read_vobject_calendar(data: bytes) -> Any:
    return vobject.readOne(data.decode("utf-8"))


def read_with_vobject(data: bytes) -> dict[str, ReadEvent]:
    calendar = read_vobject_calendar(data)
    zones = vobject_zones(calendar)
    events: dict[str, ReadEvent] = {}
    for vevent in calendar.contents.get("vevent", []):
        start_tzid, end_tzid = _vobject_tzid(vevent.dtstart), _vobject_tzid(vevent.dtend)
        start, end = vevent.dtstart.value, vevent.dtend.value
        location = vevent.contents.get("location")
        events[vevent.uid.value] = ReadEvent(
            uid=vevent.uid.value,
            summary=vevent.summary.value,
            description=vevent.description.value,
            location=None if location is None else location[0].value,
            status=vevent.status.value,
            sequence=int(vevent.sequence.value),
            start=_instant(start, start_tzid, zones),
            end=_instant(end, end_tzid, zones),
            start_tzid=start_tzid,
            end_tzid=end_tzid,
            start_wall=_wall(start),
        )
    return events
