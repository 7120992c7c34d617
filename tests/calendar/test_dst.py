"""Events on the days the clocks change, from what the organiser types to what a calendar app
reads: a wall-clock time that does not exist is refused, one that happens twice needs its UTC
offset, and the feed keeps the time as entered, with a VTIMEZONE that has that year's changes.

2026 changes: Berlin 29 March 02:00 -> 03:00 (01:00 UTC) and 25 October 03:00 -> 02:00
(01:00 UTC); New York 8 March 02:00 -> 03:00 (07:00 UTC) and 1 November 02:00 -> 01:00
(06:00 UTC).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from pydantic import ValidationError
from sqlalchemy import func, select
from starlette.testclient import TestClient

from events_app.calendar.ics import CalendarHead, build_calendar
from events_app.calendar.vevent import CalendarSite
from events_app.clock import FrozenClock
from events_app.db import Database
from events_app.events.editing import find_event
from events_app.events.schemas import EventCreate
from events_app.models import Event
from events_app.transfer.checking import ImportRejected
from events_app.transfer.commands import read_document
from events_app.transfer.service import import_document
from tests.calendar.readers import (
    ReadEvent,
    read_vobject_calendar,
    read_with_icalendar,
    read_with_vobject,
    vobject_zones,
)
from tests.factories import make_entry, make_event
from tests.support.routes import site_urls

BERLIN, NEW_YORK = "Europe/Berlin", "America/New_York"
SITE = CalendarSite(
    site_urls("https://events.example.org"), "Science Events", "Events <e@example.org>"
)
HEAD = CalendarHead(name="Science Events", url="https://events.example.org/events")
BEFORE_THE_YEAR = datetime(2026, 2, 1, tzinfo=UTC)  # every 2026 change is still ahead
H = timedelta(hours=1)


def values(starts_at: str, ends_at: str, timezone: str, **more: Any) -> dict[str, Any]:
    return {
        "slug": "night-shift",
        "title": "Night shift",
        "starts_at": starts_at,
        "ends_at": ends_at,
        "timezone": timezone,
        "status": "published",
        **more,
    }


def refusal(data: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as caught:
        EventCreate.model_validate(data)
    [error] = caught.value.errors()
    return str(error["msg"]).removeprefix("Value error, ")


# --- What the organiser may enter (EventCreate: the import and the back office) ----------------


@pytest.mark.parametrize(
    ("zone", "wall", "ends"),
    [
        (BERLIN, "2026-03-29T02:30:00", "2026-03-29T05:00:00"),
        (NEW_YORK, "2026-03-08T02:30:00", "2026-03-08T05:00:00"),
    ],
)
def test_a_time_in_the_spring_gap_is_refused_saying_why_and_what_to_do(
    zone: str, wall: str, ends: str
) -> None:
    day = wall[:10]

    assert refusal(values(wall, ends, zone)) == (
        f"{day} 02:30 does not exist in {zone}: the clocks skip that hour. "
        "Choose a time outside the gap."
    )


@pytest.mark.parametrize(
    ("zone", "wall", "ends", "first", "second"),
    [
        (BERLIN, "2026-10-25T02:30:00", "2026-10-25T05:00:00", "+0200", "+0100"),
        (NEW_YORK, "2026-11-01T01:30:00", "2026-11-01T04:00:00", "-0400", "-0500"),
    ],
)
def test_a_repeated_time_without_an_offset_is_refused_naming_both_offsets(
    zone: str, wall: str, ends: str, first: str, second: str
) -> None:
    day, time = wall[:10], wall[11:16]

    assert refusal(values(wall, ends, zone)) == (
        f"{day} {time} happens twice in {zone}: the clocks go back. "
        f"Give it with its offset, {first} (first) or {second} (second)."
    )


@pytest.mark.parametrize(
    ("zone", "starts_at", "ends_at", "instant"),
    [
        (BERLIN, "2026-10-25T02:30:00+02:00", "2026-10-25T05:00:00", datetime(2026, 10, 25, 0, 30)),
        (BERLIN, "2026-10-25T02:30:00+01:00", "2026-10-25T05:00:00", datetime(2026, 10, 25, 1, 30)),
        (
            NEW_YORK,
            "2026-11-01T01:30:00-04:00",
            "2026-11-01T04:00:00",
            datetime(2026, 11, 1, 5, 30),
        ),
        (
            NEW_YORK,
            "2026-11-01T01:30:00-05:00",
            "2026-11-01T04:00:00",
            datetime(2026, 11, 1, 6, 30),
        ),
    ],
    ids=["berlin-first", "berlin-second", "new-york-first", "new-york-second"],
)
def test_a_repeated_time_with_its_offset_is_accepted_as_that_occurrence(
    zone: str, starts_at: str, ends_at: str, instant: datetime
) -> None:
    data = EventCreate.model_validate(values(starts_at, ends_at, zone))

    assert data.starts_at_utc == instant.replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "starts_at", "ends_at"),
    [
        (BERLIN, "2026-03-29T02:30:00+01:00", "2026-03-29T05:00:00+02:00"),
        (NEW_YORK, "2026-03-08T02:30:00-05:00", "2026-03-08T05:00:00-04:00"),
    ],
)
def test_a_time_in_the_gap_is_refused_even_with_an_offset(
    zone: str, starts_at: str, ends_at: str
) -> None:
    assert f"02:30 does not exist in {zone}" in refusal(values(starts_at, ends_at, zone))


# --- What the feed says ------------------------------------------------------------------------

# slug, zone, starts_at as entered, ends_at, DTSTART as written, start instant (UTC)
ENTERED = [
    (
        "berlin-first",
        BERLIN,
        "2026-10-25T02:30:00+02:00",
        "2026-10-25T05:00:00",
        "DTSTART;TZID=Europe/Berlin:20261025T023000",
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
    ),
    (
        "berlin-second",
        BERLIN,
        "2026-10-25T02:30:00+01:00",
        "2026-10-25T05:00:00",
        # RFC 5545 reads a repeated local time as its first occurrence: only UTC says this one.
        "DTSTART:20261025T013000Z",
        datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
    ),
    (
        "berlin-after-spring",
        BERLIN,
        "2026-03-29T03:30:00",
        "2026-03-29T05:00:00",
        "DTSTART;TZID=Europe/Berlin:20260329T033000",
        datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
    ),
    (
        "new-york-first",
        NEW_YORK,
        "2026-11-01T01:30:00-04:00",
        "2026-11-01T04:00:00",
        "DTSTART;TZID=America/New_York:20261101T013000",
        datetime(2026, 11, 1, 5, 30, tzinfo=UTC),
    ),
    (
        "new-york-second",
        NEW_YORK,
        "2026-11-01T01:30:00-05:00",
        "2026-11-01T04:00:00",
        "DTSTART:20261101T063000Z",
        datetime(2026, 11, 1, 6, 30, tzinfo=UTC),
    ),
    (
        "new-york-after-spring",
        NEW_YORK,
        "2026-03-08T03:30:00",
        "2026-03-08T05:00:00",
        "DTSTART;TZID=America/New_York:20260308T033000",
        datetime(2026, 3, 8, 7, 30, tzinfo=UTC),
    ),
]


def vevent_lines(data: bytes) -> dict[str, list[str]]:
    """Each VEVENT's unfolded lines, by SUMMARY."""
    lines = data.replace(b"\r\n ", b"").decode("utf-8").split("\r\n")
    found: dict[str, list[str]] = {}
    for begin in (i for i, line in enumerate(lines) if line == "BEGIN:VEVENT"):
        block = lines[begin : lines.index("END:VEVENT", begin)]
        [summary] = [line.removeprefix("SUMMARY:") for line in block if line.startswith("SUMMARY:")]
        found[summary] = block
    return found


def by_summary(events: dict[str, ReadEvent]) -> dict[str, ReadEvent]:
    return {event.summary: event for event in events.values()}


def test_the_feed_keeps_the_wall_clock_the_organiser_entered(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    clock.set(BEFORE_THE_YEAR)
    for slug, zone, starts_at, ends_at, _line, _instant in ENTERED:
        make_event(
            db,
            clock.now(),
            slug=slug,
            title=slug,
            starts_at=starts_at,
            ends_at=ends_at,
            timezone=zone,
        )

    response = client.get("/events.ics")

    assert response.status_code == 200
    written = vevent_lines(response.content)
    by_icalendar = by_summary(read_with_icalendar(response.content))
    assert by_summary(read_with_vobject(response.content)) == by_icalendar
    for slug, zone, _starts_at, ends_at, line, instant in ENTERED:
        assert [x for x in written[slug] if x.startswith("DTSTART")] == [line]
        event = by_icalendar[slug]  # and vobject's, the same
        assert event.start == instant, slug
        end = datetime.fromisoformat(ends_at).replace(tzinfo=ZoneInfo(zone))
        assert event.end == end.astimezone(UTC), slug
        if "TZID" in line:
            assert event.start_tzid == zone
            assert event.start_wall == instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
        else:
            assert event.start_tzid is None


def dst_calendar() -> bytes:
    entries = [
        make_entry(
            slug=slug,
            timezone=zone,
            starts_at=instant,
            ends_at=instant + 2 * H,
        )
        for slug, zone, _starts_at, _ends_at, _line, instant in ENTERED
    ]
    return build_calendar(entries, site=SITE, head=HEAD)


def test_feed_built_from_entries_writes_the_same_dtstart_lines() -> None:
    written = vevent_lines(dst_calendar())

    for slug, *_rest, line, _instant in ENTERED:
        title = slug.replace("-", " ").title()
        assert [x for x in written[title] if x.startswith("DTSTART")] == [line]


# --- The VTIMEZONE in the file -----------------------------------------------------------------

# zone, kind, local date of the 2026 change, offset before, offset after, instant of the change
CHANGES = [
    (BERLIN, "DAYLIGHT", date(2026, 3, 29), 1 * H, 2 * H, datetime(2026, 3, 29, 1, tzinfo=UTC)),
    (BERLIN, "STANDARD", date(2026, 10, 25), 2 * H, 1 * H, datetime(2026, 10, 25, 1, tzinfo=UTC)),
    (NEW_YORK, "DAYLIGHT", date(2026, 3, 8), -5 * H, -4 * H, datetime(2026, 3, 8, 7, tzinfo=UTC)),
    (NEW_YORK, "STANDARD", date(2026, 11, 1), -4 * H, -5 * H, datetime(2026, 11, 1, 6, tzinfo=UTC)),
]
CHANGE_IDS = ["berlin-spring", "berlin-autumn", "new-york-spring", "new-york-autumn"]


def onsets(data: bytes, tzid: str) -> list[tuple[str, datetime, timedelta, timedelta]]:
    """Every onset of the VTIMEZONE `tzid`: its kind, local time (DTSTART and each RDATE),
    TZOFFSETFROM and TZOFFSETTO."""
    [zone] = [tz for tz in icalendar.Calendar.from_ical(data).timezones if tz.tz_name == tzid]
    found = []
    for observance in zone.subcomponents:
        starts = [observance.DTSTART, *(start for start, _end in observance.rdates)]
        found += [
            (observance.name, start, observance.TZOFFSETFROM, observance.TZOFFSETTO)
            for start in starts
        ]
    return found


def onset_of(data: bytes, zone: str, kind: str, day: date) -> tuple[datetime, timedelta, timedelta]:
    [found] = [
        (start, before, after)
        for name, start, before, after in onsets(data, zone)
        if name == kind and start.date() == day
    ]
    return found


@pytest.mark.parametrize(
    ("zone", "kind", "day", "before", "after", "_instant"), CHANGES, ids=CHANGE_IDS
)
def test_the_vtimezone_has_the_change_of_the_events_year(
    zone: str, kind: str, day: date, before: timedelta, after: timedelta, _instant: datetime
) -> None:
    # Without it a calendar app that uses the VTIMEZONE (Outlook) keeps the last offset it
    # knows, and shows the event an hour off.
    _start, offset_from, offset_to = onset_of(dst_calendar(), zone, kind, day)

    assert (offset_from, offset_to) == (before, after)


@pytest.mark.parametrize(
    ("zone", "kind", "day", "before", "after", "instant"),
    [change for change in CHANGES if change[1] == "STANDARD"],
    ids=["berlin-autumn", "new-york-autumn"],
)
def test_the_vtimezone_autumn_onset_is_the_real_instant_as_rfc_5545_reads_it(
    zone: str, kind: str, day: date, before: timedelta, after: timedelta, instant: datetime
) -> None:
    start, offset_from, _offset_to = onset_of(dst_calendar(), zone, kind, day)

    # RFC 5545 3.6.5: the onset is DTSTART (or RDATE) as local time at TZOFFSETFROM.
    assert start.replace(tzinfo=UTC) - offset_from == instant


@pytest.mark.parametrize(
    ("zone", "kind", "day", "before", "after", "instant"),
    [change for change in CHANGES if change[1] == "DAYLIGHT"],
    ids=["berlin-spring", "new-york-spring"],
)
def test_the_vtimezone_spring_onset_is_the_real_instant_as_rfc_5545_reads_it(
    zone: str, kind: str, day: date, before: timedelta, after: timedelta, instant: datetime
) -> None:
    start, offset_from, _offset_to = onset_of(dst_calendar(), zone, kind, day)

    assert start.replace(tzinfo=UTC) - offset_from == instant


def file_zones(data: bytes) -> dict[str, dict[str, tzinfo]]:
    """Each VTIMEZONE of the file as a tzinfo, read by icalendar and by vobject: what an app
    that does not know IANA names (Outlook) works from."""
    by_icalendar = {
        tz.tz_name: tz.to_tz(lookup_tzid=False)
        for tz in icalendar.Calendar.from_ical(data).timezones
    }
    return {"icalendar": by_icalendar, "vobject": vobject_zones(read_vobject_calendar(data))}


@pytest.mark.parametrize(
    ("zone", "wall", "offset"),
    [
        (BERLIN, datetime(2026, 3, 29, 1, 30), 1 * H),  # just before the spring change
        (BERLIN, datetime(2026, 3, 29, 3, 30), 2 * H),  # just after it
        (BERLIN, datetime(2026, 10, 25, 2, 30), 2 * H),  # a repeated time: its first occurrence
        (BERLIN, datetime(2026, 10, 25, 3, 30), 1 * H),
        (NEW_YORK, datetime(2026, 3, 8, 1, 30), -5 * H),
        (NEW_YORK, datetime(2026, 3, 8, 3, 30), -4 * H),
        (NEW_YORK, datetime(2026, 11, 1, 1, 30), -4 * H),
        (NEW_YORK, datetime(2026, 11, 1, 2, 30), -5 * H),
    ],
)
def test_the_files_own_vtimezone_gives_each_wall_clock_its_offset(
    zone: str, wall: datetime, offset: timedelta
) -> None:
    zones = file_zones(dst_calendar())

    assert wall.replace(tzinfo=ZoneInfo(zone)).utcoffset() == offset
    for parser, found in zones.items():
        assert wall.replace(tzinfo=found[zone]).utcoffset() == offset, parser


# --- The import path ---------------------------------------------------------------------------


def import_file(db: Database, now: datetime, data: bytes) -> None:
    with db.write() as session:
        document = read_document(
            data, session=session, urls=site_urls("https://events.example.org")
        )
        import_document(session=session, now=now, document=document)


def stored_events(db: Database) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(Event)) or 0)


def test_a_json_import_of_a_time_in_the_gap_is_rejected_and_writes_nothing(
    db: Database, now: datetime
) -> None:
    record = values(
        "2026-03-29T02:30:00+01:00", "2026-03-29T05:00:00+02:00", BERLIN, slug="spring-gap"
    )

    with pytest.raises(ImportRejected) as caught:
        import_file(db, now, json.dumps({"events": [record]}).encode())

    [rejection] = caught.value.rejections
    assert rejection.label == "events[0] (slug 'spring-gap')"
    assert any(
        "2026-03-29 02:30 does not exist in Europe/Berlin" in problem and "gap" in problem
        for problem in rejection.problems
    ), rejection.problems
    assert stored_events(db) == 0


def test_a_json_import_of_a_repeated_time_keeps_the_occurrence_its_offset_names(
    db: Database, now: datetime
) -> None:
    records = [
        values("2026-10-25T02:30:00+02:00", "2026-10-25T05:00:00+01:00", BERLIN, slug="first"),
        values("2026-10-25T02:30:00+01:00", "2026-10-25T05:00:00+01:00", BERLIN, slug="second"),
    ]

    import_file(db, now, json.dumps({"events": records}).encode())

    with db.read() as session:
        first, second = (find_event(session=session, slug=slug) for slug in ("first", "second"))
        assert first is not None
        assert second is not None
        assert first.starts_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
        assert second.starts_at == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)


def test_an_ics_import_of_a_time_in_the_gap_is_rejected_and_writes_nothing(
    db: Database, now: datetime
) -> None:
    data = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Elsewhere//EN\r\nBEGIN:VEVENT\r\n"
        b"UID:spring-gap@elsewhere\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Spring gap\r\n"
        b"DTSTART;TZID=Europe/Berlin:20260329T023000\r\n"
        b"DTEND;TZID=Europe/Berlin:20260329T050000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )

    with pytest.raises(ImportRejected) as caught:
        import_file(db, now, data)

    [rejection] = caught.value.rejections
    assert "spring-gap@elsewhere" in rejection.label
    assert any("does not exist in Europe/Berlin" in problem for problem in rejection.problems)
    assert stored_events(db) == 0
