"""The iCalendar builder, read back with icalendar as a calendar app would."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import icalendar

from events_app.calendar.ics import build_calendar, markdown_to_plain_text
from events_app.models import Category, Event

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
BASE_URL = "https://events.example.org"


def event(slug: str, **values: Any) -> Event:
    defaults: dict[str, Any] = {
        "slug": slug,
        "uid": f"{slug}@events-app",
        "title": slug.replace("-", " ").title(),
        "starts_at": datetime(2026, 12, 8, 13, 0, tzinfo=UTC),
        "ends_at": datetime(2026, 12, 8, 15, 0, tzinfo=UTC),
        "timezone": "Europe/Berlin",
        "status": "published",
        "created_at": datetime(2026, 11, 1, tzinfo=UTC),
        "updated_at": datetime(2026, 11, 2, tzinfo=UTC),
    }
    return Event(**(defaults | values))


def build(*events: Event) -> icalendar.Calendar:
    data = build_calendar(events, base_url=BASE_URL, name="Science Events", now=NOW)
    return icalendar.Calendar.from_ical(data)


def only(calendar: icalendar.Calendar) -> icalendar.Event:
    [vevent] = calendar.events
    return vevent


def test_calendar_properties() -> None:
    calendar = build(event("talk"))

    assert calendar.method == "PUBLISH"
    assert calendar.prodid.startswith("-//events_app//")
    assert calendar.calendar_name == "Science Events"
    assert b"\r\nNAME:Science Events\r\n" in calendar.to_ical()
    assert calendar["X-WR-CALNAME"] == "Science Events"


def test_timed_event_has_tzid_and_a_vtimezone_for_every_tzid() -> None:
    calendar = build(
        event("berlin-talk"),
        event("shanghai-talk", timezone="Asia/Shanghai"),
        event("second-berlin-talk"),
    )

    tzids = {str(vevent["DTSTART"].params["TZID"]) for vevent in calendar.events}
    assert tzids == {"Europe/Berlin", "Asia/Shanghai"}
    assert sorted(tz.tz_name for tz in calendar.timezones) == ["Asia/Shanghai", "Europe/Berlin"]
    assert calendar.get_missing_tzids() == set()
    start, end = calendar.events[0].start, calendar.events[0].end
    assert isinstance(start, datetime)
    assert isinstance(end, datetime)
    assert start.replace(tzinfo=None) == datetime(2026, 12, 8, 14, 0)  # Berlin wall clock
    assert start.astimezone(UTC) == datetime(2026, 12, 8, 13, 0, tzinfo=UTC)
    assert end.astimezone(UTC) == datetime(2026, 12, 8, 15, 0, tzinfo=UTC)


def test_all_day_event_uses_dates_with_an_exclusive_end() -> None:
    # 11 to 15 January in Shanghai: stored as midnight of the 11th up to midnight of the 16th.
    vevent = only(
        build(
            event(
                "winter-school",
                timezone="Asia/Shanghai",
                all_day=True,
                starts_at=datetime(2027, 1, 10, 16, 0, tzinfo=UTC),
                ends_at=datetime(2027, 1, 15, 16, 0, tzinfo=UTC),
            )
        )
    )

    assert vevent["DTSTART"].params["VALUE"] == "DATE"
    assert (vevent.start, vevent.end) == (date(2027, 1, 11), date(2027, 1, 16))


def test_identity_sequence_and_times_of_change() -> None:
    vevent = only(build(event("talk", sequence=3)))

    assert vevent.uid == "talk@events-app"
    assert vevent.sequence == 3
    assert vevent.stamp == NOW
    assert vevent.created == datetime(2026, 11, 1, tzinfo=UTC)
    assert vevent.last_modified == datetime(2026, 11, 2, tzinfo=UTC)
    assert vevent.url == f"{BASE_URL}/events/talk"


def test_same_events_give_the_same_file() -> None:
    first = build_calendar([event("talk")], base_url=BASE_URL, name="Events", now=NOW)
    second = build_calendar([event("talk")], base_url=BASE_URL, name="Events", now=NOW)

    assert first == second


def test_text_location_and_categories() -> None:
    vevent = only(
        build(
            event(
                "talk",
                description="First paragraph.\n\n- one\n- two\n\nSee [the map](https://map.example.org).",
                venue="Lab building",
                address="Invalidenstraße 1, Berlin",
                categories=[Category(slug="talks", name="Talks"), Category(slug="bio", name="Bio")],
            )
        )
    )

    assert vevent["SUMMARY"] == "Talk"
    assert vevent["DESCRIPTION"] == (
        "First paragraph.\n\n- one\n- two\n\nSee the map (https://map.example.org)."
    )
    assert vevent["LOCATION"] == "Lab building, Invalidenstraße 1, Berlin"
    assert [str(name) for name in vevent.categories] == ["Bio", "Talks"]


def test_summary_stands_in_for_an_empty_description() -> None:
    vevent = only(build(event("talk", summary="A short talk.")))

    assert vevent["DESCRIPTION"] == "A short talk."


def test_status_maps_and_drafts_are_left_out() -> None:
    calendar = build(
        event("on", status="published"),
        event("off", status="cancelled"),
        event("later", status="postponed"),
        event("hidden", status="draft"),
    )

    statuses = {str(v["UID"]).split("@")[0]: str(v["STATUS"]) for v in calendar.events}
    assert statuses == {"on": "CONFIRMED", "off": "CANCELLED", "later": "TENTATIVE"}


def test_the_online_link_is_never_published() -> None:
    data = build_calendar(
        [event("webinar", format="online", online_url="https://meet.example.org/room-42")],
        base_url=BASE_URL,
        name="Events",
        now=NOW,
    )

    assert b"room-42" not in data.replace(b"\r\n ", b"")
    assert "LOCATION" not in only(icalendar.Calendar.from_ical(data))


def test_empty_calendar_is_still_a_calendar() -> None:
    calendar = build()

    assert calendar.events == []
    assert calendar.method == "PUBLISH"


def test_markdown_to_plain_text_keeps_line_breaks() -> None:
    source = "# Agenda\n\nLine one  \nline two\n\n1. Budget\n2. *Next* year\n\nA & B <b>"

    assert markdown_to_plain_text(source) == (
        "Agenda\n\nLine one\nline two\n\n- Budget\n- Next year\n\nA & B <b>"
    )
