"""Dates and times written the way people write them, in the event's own timezone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from events_app.events.present import format_event_date, format_event_when, format_moment
from events_app.models import Event


def event(start: datetime | date, end: datetime | date, tz: str, *, all_day: bool = False) -> Event:
    from events_app.events.schemas import EventCreate

    data = EventCreate(
        slug="e", title="E", starts_at=start, ends_at=end, timezone=tz, all_day=all_day
    )
    return Event(
        slug="e",
        title="E",
        timezone=tz,
        all_day=all_day,
        starts_at=data.starts_at_utc,
        ends_at=data.ends_at_utc,
        created_at=datetime.now(UTC),
        updated_at=datetime.now(UTC),
    )


@pytest.mark.parametrize(
    ("start", "end", "tz", "expected"),
    [
        (
            "2026-12-08T14:00:00+08:00",
            "2026-12-08T15:30:00+08:00",
            "Asia/Shanghai",
            "Tue 8 Dec 2026, 14:00–15:30 UTC+8",
        ),
        (
            "2026-12-08T19:00:00+08:00",
            "2026-12-08T20:30:00+08:00",
            "Asia/Singapore",
            "Tue 8 Dec 2026, 19:00–20:30 UTC+8",
        ),
        (
            "2026-12-07T10:00:00-05:00",
            "2026-12-07T11:30:00-05:00",
            "America/New_York",
            "Mon 7 Dec 2026, 10:00–11:30 EST (UTC-5)",
        ),
        (
            "2026-12-07T10:00:00-06:00",
            "2026-12-07T11:30:00-06:00",
            "America/Chicago",
            "Mon 7 Dec 2026, 10:00–11:30 UTC-6",
        ),
        (
            "2026-07-07T10:00:00+05:30",
            "2026-07-07T11:00:00+05:30",
            "Asia/Kolkata",
            "Tue 7 Jul 2026, 10:00–11:00 UTC+5:30",
        ),
        (
            "2026-12-08T09:00:00+01:00",
            "2026-12-10T17:00:00+01:00",
            "Europe/Berlin",
            "Tue 8 Dec 2026, 09:00 – Thu 10 Dec 2026, 17:00 CET (UTC+1)",
        ),
        (
            "2026-10-24T22:00:00+02:00",
            "2026-10-25T03:00:00+01:00",
            "Europe/Berlin",
            "Sat 24 Oct 2026, 22:00 CEST (UTC+2) – Sun 25 Oct 2026, 03:00 CET (UTC+1)",
        ),
        (
            "2026-12-08T10:00:00+00:00",
            "2026-12-08T11:00:00+00:00",
            "UTC",
            "Tue 8 Dec 2026, 10:00–11:00 UTC",
        ),
    ],
)
def test_timed_events(start: str, end: str, tz: str, expected: str) -> None:
    assert (
        format_event_when(event(datetime.fromisoformat(start), datetime.fromisoformat(end), tz))
        == expected
    )


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        (date(2026, 12, 8), date(2026, 12, 8), "Tue 8 Dec 2026"),
        (date(2026, 12, 8), date(2026, 12, 10), "Tue 8 – Thu 10 Dec 2026"),
        (date(2026, 11, 30), date(2026, 12, 2), "Mon 30 Nov – Wed 2 Dec 2026"),
        (date(2026, 12, 30), date(2027, 1, 1), "Wed 30 Dec 2026 – Fri 1 Jan 2027"),
    ],
)
def test_all_day_events(first: date, last: date, expected: str) -> None:
    assert format_event_when(event(first, last, "Asia/Shanghai", all_day=True)) == expected


def test_compact_date_for_lists() -> None:
    multi = event(
        datetime.fromisoformat("2026-12-08T09:00:00+01:00"),
        datetime.fromisoformat("2026-12-10T17:00:00+01:00"),
        "Europe/Berlin",
    )
    assert format_event_date(multi) == "Tue 8 – Thu 10 Dec 2026"


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("Asia/Singapore", "Tue 8 Dec 2026, 09:00 UTC+8"),  # tzdata's "+08" is not a name
        ("Europe/London", "Tue 8 Dec 2026, 01:00 GMT (UTC+0)"),
        ("America/New_York", "Mon 7 Dec 2026, 20:00 EST (UTC-5)"),
    ],
)
def test_a_moment_is_written_in_the_events_zone_with_the_zone_named(
    zone: str, expected: str
) -> None:
    assert format_moment(datetime(2026, 12, 8, 1, tzinfo=UTC), zone) == expected
