"""How an event's date and time are written for people: in its own timezone, with the zone's
abbreviation and UTC offset (timezones.zone_label), and all-day or multi-day events the way
people write them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from itertools import groupby
from typing import Any, NamedTuple, Protocol
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_skeleton

from events_app.timezones import zone_label


class _Times(NamedTuple):
    starts_at: datetime
    ends_at: datetime
    timezone: str
    all_day: bool


class Scheduled(Protocol):
    """What the date helpers need: an Event row or an EventCard."""

    @property
    def starts_at(self) -> datetime: ...
    @property
    def ends_at(self) -> datetime: ...
    @property
    def timezone(self) -> str: ...
    @property
    def all_day(self) -> bool: ...


# English follows the house style ("Tue 8 Dec 2026"); other languages take Babel's
# locale-appropriate skeletons.
_PATTERNS = {("en", "yMMMEd"): "EEE d MMM y", ("en", "MMMEd"): "EEE d MMM", ("en", "Ed"): "EEE d"}


def _date(day: date | datetime, locale: str, *, skeleton: str = "yMMMEd") -> str:
    pattern = _PATTERNS.get((locale, skeleton))
    if pattern:
        return format_date(day, pattern, locale=locale)
    return format_skeleton(skeleton, day, locale=locale)


def _first_day(first: date, last: date, locale: str) -> str:
    """The start of a day range, without what the end repeats ("Sun 17 – Tue 19 Jan 2027")."""
    if first.year != last.year:
        return _date(first, locale)
    if first.month != last.month:
        return _date(first, locale, skeleton="MMMEd")
    return _date(first, locale, skeleton="Ed")


def event_local_range(event: Scheduled) -> tuple[datetime, datetime]:
    tz = ZoneInfo(event.timezone)
    return event.starts_at.astimezone(tz), event.ends_at.astimezone(tz)


def all_day_span(event: Scheduled) -> tuple[date, date]:
    """First and last day of an all-day event (its stored end is the exclusive midnight)."""
    start, end = event_local_range(event)
    last = (end - timedelta(microseconds=1)).date()
    return start.date(), max(start.date(), last)


def format_event_when(event: Scheduled, locale: str = "en") -> str:
    return _format_when(event.starts_at, event.ends_at, event.timezone, event.all_day, locale)


@lru_cache(maxsize=4096)
def _format_when(
    starts_at: datetime, ends_at: datetime, timezone: str, all_day: bool, locale: str
) -> str:
    # Babel's formatting is the costliest part of a listing card; the same few hundred
    # events are formatted again on every uncached page.
    event = _Times(starts_at, ends_at, timezone, all_day)
    if event.all_day:
        first, last = all_day_span(event)
        if first == last:
            return _date(first, locale)
        return f"{_first_day(first, last, locale)} – {_date(last, locale)}"
    start, end = event_local_range(event)
    if start.date() == end.date():
        return f"{_date(start, locale)}, {start:%H:%M}–{end:%H:%M} {zone_label(start)}"
    if zone_label(start) == zone_label(end):
        return (
            f"{_date(start, locale)}, {start:%H:%M} – {_date(end, locale)}, {end:%H:%M} "
            f"{zone_label(start)}"
        )
    return (
        f"{_date(start, locale)}, {start:%H:%M} {zone_label(start)} – "
        f"{_date(end, locale)}, {end:%H:%M} {zone_label(end)}"
    )


def format_moment(moment: datetime, timezone: str, locale: str = "en") -> str:
    """One instant about an event (its go-live moment, a registration, a check-in) in the
    event's own zone, named the way its dates are: "Tue 8 Dec 2026, 09:00 UTC+8"."""
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{_date(local, locale)}, {local:%H:%M} {zone_label(local)}"


def format_event_date(event: Scheduled, locale: str = "en") -> str:
    """Just the day(s), for compact lists."""
    if event.all_day:
        return format_event_when(event, locale)
    start, end = event_local_range(event)
    if start.date() == end.date():
        return _date(start, locale)
    return f"{_first_day(start.date(), end.date(), locale)} – {_date(end, locale)}"


@dataclass(frozen=True)
class MonthGroup:
    year: int
    month: int
    label: str
    events: list[Any]


def cancelled_last(events: Iterable[Scheduled]) -> list[Any]:
    """The events in their order, the cancelled ones moved after the others."""
    return sorted(events, key=lambda event: getattr(event, "status", "") == "cancelled")


def group_by_month(events: Sequence[Scheduled], locale: str = "en") -> list[MonthGroup]:
    """Consecutive events grouped by the month they start in, in their own timezone; in each
    month the cancelled ones come after the events still happening (the listing itself, and
    the API, stay in order of time, so pages break where they did)."""
    groups = []

    def start_month(event: Scheduled) -> tuple[int, int]:
        start = event.starts_at.astimezone(ZoneInfo(event.timezone))
        return start.year, start.month

    for (year, month), items in groupby(events, key=start_month):
        groups.append(
            MonthGroup(
                year=year,
                month=month,
                label=month_label(year, month, locale),
                events=cancelled_last(items),
            )
        )
    return groups


@lru_cache(maxsize=512)
def month_label(year: int, month: int, locale: str) -> str:
    return format_skeleton("yMMMM", date(year, month, 1), locale=locale)


def calendar_labels(
    year: int, month: int, days: list[date], locale: str = "en"
) -> dict[str, object]:
    """Month and weekday names for the month grid, from Babel's locale data."""
    from babel.dates import get_day_names

    short = get_day_names("abbreviated", locale=locale)
    long = get_day_names("wide", locale=locale)
    previous = date(year - 1, 12, 1) if month == 1 else date(year, month - 1, 1)
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return {
        "month_label": format_skeleton("yMMMM", date(year, month, 1), locale=locale),
        "previous_label": format_skeleton("yMMMM", previous, locale=locale),
        "next_label": format_skeleton("yMMMM", following, locale=locale),
        "weekdays": [(short[i], long[i]) for i in range(7)],
        "day_labels": {day: format_date(day, "full", locale=locale) for day in days},
    }
