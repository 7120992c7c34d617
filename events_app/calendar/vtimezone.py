"""VTIMEZONE components whose onsets are the instants the clocks really change.

RFC 5545 (3.6.5) gives each observance's onset (DTSTART, RDATE) as local time in the offset
in force *before* the change (TZOFFSETFROM): Berlin's spring change is 02:00 at +01:00.
icalendar 7.3's `Timezone.from_tzid` writes the spring onsets as the first wall-clock time
after the gap (03:00 at +01:00, an hour late), which an app that works from the VTIMEZONE
rather than its own tzdata (Outlook) would apply during that hour. Each onset is checked
against zoneinfo and corrected; the library still builds everything else.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Timezone, vDDDLists, vDDDTypes

_SECOND = timedelta(seconds=1)


def _true_onset(wall: datetime, before: timedelta, after: timedelta, tz: ZoneInfo) -> datetime:
    """`wall` moved to the local time at `before` of the change it stands for, when zoneinfo
    shows the change happening at one of the two readings of it; otherwise as it is."""
    for offset in (before, after):
        instant = (wall - offset).replace(tzinfo=UTC)
        if (instant - _SECOND).astimezone(tz).utcoffset() == before and instant.astimezone(
            tz
        ).utcoffset() == after:
            return (instant + before).replace(tzinfo=None)
    return wall


def _rdates(observance: Any) -> list[datetime]:
    found = observance.get("RDATE")
    lists = found if isinstance(found, list) else [found] if found is not None else []
    values = [value.dt for item in lists if isinstance(item, vDDDLists) for value in item.dts]
    return [value for value in values if isinstance(value, datetime)]


def correct_onsets(timezone: Timezone, tz: ZoneInfo) -> Timezone:
    # icalendar types a property as a union of every value type; these are known here.
    observances: list[Any] = list(timezone.subcomponents)
    for observance in observances:
        if observance.name not in ("STANDARD", "DAYLIGHT"):
            continue
        before = observance["TZOFFSETFROM"].td
        after = observance["TZOFFSETTO"].td
        if before == after:
            continue  # the zone's first observance: no change happens at its onset
        start = observance["DTSTART"].dt
        observance["DTSTART"] = vDDDTypes(_true_onset(start, before, after, tz))
        rdates = _rdates(observance)
        if rdates:
            observance.pop("RDATE")
            observance.add("RDATE", [_true_onset(wall, before, after, tz) for wall in rdates])
    return timezone


@lru_cache(maxsize=256)
def timezone_bytes(tzid: str, first_year: int, last_year: int) -> bytes:
    """The VTIMEZONE for `tzid` with its transitions in those years (the default range,
    1970-2038, would add kilobytes of past rules to every feed)."""
    timezone = Timezone.from_tzid(
        tzid, first_date=date(first_year, 1, 1), last_date=date(last_year, 1, 1)
    )
    return correct_onsets(timezone, ZoneInfo(tzid)).to_ical()
