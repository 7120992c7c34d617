"""Reading the wall-clock times the back office's forms take (`datetime-local` and `date`
inputs) in a given IANA zone, without guessing on the days clocks change.

A time in the gap is refused, worded as `timezones.localize` words it. A time that happens
twice is not refused outright: the form asks which of its two occurrences is meant, by the
offset (a radio choice), and the answer comes back as `<field>_offset`. `localize` itself
accepts a time given with one of the zone's offsets, so the chosen offset is all the schemas
need to place it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from events_app.date_range import FIRST_YEAR, LAST_YEAR, in_range
from events_app.timezones import WallClockError, localize, zone_abbreviation

INPUT_FORMAT = "%Y-%m-%dT%H:%M"


@dataclass(frozen=True)
class Problem:
    """What is wrong with one field, as a code the templates word, and what they need to."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Occurrence:
    offset: str  # "+02:00": the radio's value
    label: str  # "+02:00 CEST": what the organiser reads beside it


def parse_wall(raw: str) -> datetime | None:
    """A `datetime-local` value (seconds allowed, ignored) as a naive datetime, or None."""
    raw = raw.strip()
    for pattern in (INPUT_FORMAT, INPUT_FORMAT + ":%S"):
        try:
            return datetime.strptime(raw, pattern).replace(second=0)
        except ValueError:
            continue
    return None


def parse_day(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        return None


def format_offset(delta: timedelta | None) -> str:
    minutes = int((delta or timedelta()).total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _occurrence(moment: datetime) -> Occurrence:
    offset = format_offset(moment.utcoffset())
    abbreviation = zone_abbreviation(moment)
    return Occurrence(offset, f"{offset} {abbreviation}" if abbreviation else offset)


def occurrences(wall: datetime, tz: ZoneInfo) -> list[Occurrence]:
    """The two occurrences of a repeated wall-clock time, first then second; [] otherwise."""
    first, second = wall.replace(tzinfo=tz, fold=0), wall.replace(tzinfo=tz, fold=1)
    if first.utcoffset() == second.utcoffset():
        return []
    return [_occurrence(first), _occurrence(second)]


def resolve_wall(
    raw: str, tz: ZoneInfo, offset_choice: str = ""
) -> tuple[datetime | None, Problem | None]:
    """A form's local time as what the schemas take: a naive time when it is unambiguous, an
    aware one when the organiser chose which occurrence of a repeated time they mean. Empty
    input gives (None, None): whether that is allowed is the caller's rule."""
    if not raw.strip():
        return None, None
    wall = parse_wall(raw)
    if wall is None:
        return None, Problem("datetime")
    if not in_range(wall):
        return None, Problem("year_range", {"first": FIRST_YEAR, "last": LAST_YEAR})
    try:
        localize(wall, tz, repeated="first")
    except WallClockError:
        return None, Problem("gap", {"time": f"{wall:%Y-%m-%d %H:%M}", "zone": tz.key})
    choices = occurrences(wall, tz)
    if not choices:
        return wall, None
    for choice in choices:
        if choice.offset == offset_choice:
            offset = datetime.strptime(choice.offset.replace(":", ""), "%z").tzinfo
            return wall.replace(tzinfo=offset), None
    return None, Problem(
        "repeated",
        {"time": f"{wall:%Y-%m-%d %H:%M}", "zone": tz.key, "choices": choices},
    )


def resolve_instant(
    raw: str, tz: ZoneInfo, offset_choice: str = ""
) -> tuple[datetime | None, Problem | None]:
    """Like `resolve_wall`, but the instant itself (aware, UTC), for a moment such as a
    go-live time or a registration deadline."""
    wall, problem = resolve_wall(raw, tz, offset_choice)
    if wall is None:
        return None, problem
    return localize(wall, tz).astimezone(UTC), None


def wall_value(moment: datetime | None, tz: ZoneInfo) -> tuple[str, str]:
    """An instant as the form shows it: its `datetime-local` value in `tz`, and the offset
    to choose when that wall-clock time happens twice ("" when it happens once)."""
    if moment is None:
        return "", ""
    local = moment.astimezone(tz)
    wall = local.replace(tzinfo=None)
    offset = format_offset(local.utcoffset()) if occurrences(wall, tz) else ""
    return wall.strftime(INPUT_FORMAT), offset
