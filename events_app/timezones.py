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


def localize(wall: datetime, tz: ZoneInfo) -> datetime:
    """An aware datetime for a naive wall-clock time in `tz`."""
    if wall.tzinfo is not None:
        return wall
    first = wall.replace(tzinfo=tz, fold=0)
    second = wall.replace(tzinfo=tz, fold=1)
    if first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != wall:
        raise WallClockError(
            f"{wall:%Y-%m-%d %H:%M} does not exist in {tz.key}: the clocks skip that hour. "
            "Choose a time outside the gap."
        )
    if first.utcoffset() != second.utcoffset():
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
