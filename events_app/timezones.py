"""Turning a wall-clock time in an IANA zone into an instant, without silent guesses on the
days clocks change: a time that does not exist is refused, one that happens twice must be
given with its UTC offset."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


class WallClockError(ValueError):
    pass


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise WallClockError(f"{name!r} is not an IANA timezone name") from exc


@lru_cache(maxsize=1)
def timezone_names() -> list[str]:
    return sorted(available_timezones())


def _gap_error(wall: datetime, tz: ZoneInfo) -> WallClockError:
    return WallClockError(
        f"{wall:%Y-%m-%d %H:%M} does not exist in {tz.key}: the clocks skip that hour. "
        "Choose a time outside the gap."
    )


def localize(wall: datetime, tz: ZoneInfo, *, repeated: str = "refuse") -> datetime:
    """An aware datetime for a wall-clock time in `tz`. A naive time that does not exist is
    refused; one that happens twice is refused (`repeated="refuse"`) or read as its first
    occurrence (`repeated="first"`, what RFC 5545 says an iCalendar file means). A time given
    with one of the zone's own offsets is still a wall-clock time there: in a gap, refused."""
    naive = wall.replace(tzinfo=None)
    first = naive.replace(tzinfo=tz, fold=0)
    second = naive.replace(tzinfo=tz, fold=1)
    exists = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == naive
    if wall.tzinfo is not None:
        if not exists and wall.utcoffset() in (first.utcoffset(), second.utcoffset()):
            raise _gap_error(naive, tz)
        return wall
    if not exists:
        raise _gap_error(naive, tz)
    if first.utcoffset() != second.utcoffset() and repeated != "first":
        raise WallClockError(
            f"{wall:%Y-%m-%d %H:%M} happens twice in {tz.key}: the clocks go back. "
            f"Give it with its offset, {first:%z} (first) or {second:%z} (second)."
        )
    return first


def day_start(day: date, tz: ZoneInfo) -> datetime:
    """The instant a local day begins (midnight, or the first moment after a midnight gap)."""
    start = datetime.combine(day, time.min, tzinfo=tz)
    if start.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != start.replace(tzinfo=None):
        start = (start + timedelta(hours=1)).astimezone(UTC).astimezone(tz)
    return start.astimezone(UTC)


# Abbreviations tzdata gives to zones with different UTC offsets: "CST" is China Standard Time
# (UTC+8) and US Central (UTC-6), "IST" India, Ireland and Israel, "PST" the US Pacific and the
# Philippines. A reader takes the one they know, so these are never written; the offset is.
# tests/test_timezones.py recomputes the list from the installed tzdata.
MISLEADING_ABBREVIATIONS = frozenset({"CST", "CDT", "IST", "PST"})


def utc_offset_label(moment: datetime) -> str:
    """'UTC+8', 'UTC-5', 'UTC+5:30'."""
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_abbreviation(moment: datetime) -> str:
    """The zone's abbreviation at `moment` when it names one zone only ("CET", "EST"); "" when
    tzdata has none (it writes "+08") or when it is one of MISLEADING_ABBREVIATIONS."""
    abbreviation = moment.tzname() or ""
    if not abbreviation or abbreviation[0] in "+-" or abbreviation in MISLEADING_ABBREVIATIONS:
        return ""
    return abbreviation


def zone_label(moment: datetime) -> str:
    """'CET (UTC+1)', 'UTC'; 'UTC+8' for Asia/Shanghai, whose 'CST' readers in America
    take for their own Central time, and for zones without an abbreviation."""
    abbreviation = zone_abbreviation(moment)
    if abbreviation == "UTC":
        return "UTC"
    offset = utc_offset_label(moment)
    return f"{abbreviation} ({offset})" if abbreviation else offset
