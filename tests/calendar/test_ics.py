"""The iCalendar builders, read back with icalendar as a calendar app would."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import icalendar

from events_app.calendar.entries import ArticleLink, CalendarEntry
from events_app.calendar.ics import CalendarHead, build_calendar
from events_app.calendar.vevent import CalendarSite, build_vevent, description_text
from events_app.markdown import render
from tests.factories import make_entry
from tests.support.routes import site_urls

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
BASE_URL = "https://events.example.org"
SITE = CalendarSite(site_urls(BASE_URL), "Science Events", "Science Events <events@example.org>")
FEED = CalendarHead(
    name="Science Events", url=f"{BASE_URL}/events", source=f"{BASE_URL}/events.ics"
)


def entry(slug: str, **values: Any) -> CalendarEntry:
    return make_entry(slug=slug, **values)


def build(*entries: CalendarEntry, private: bool = False) -> icalendar.Calendar:
    data = build_calendar(entries, site=SITE, head=FEED, private=private)
    return icalendar.Calendar.from_ical(data)


def only(calendar: icalendar.Calendar) -> icalendar.Event:
    [vevent] = calendar.events
    return vevent


def unfolded(data: bytes) -> bytes:
    return data.replace(b"\r\n ", b"")


def test_feed_properties() -> None:
    data = build_calendar([entry("talk")], site=SITE, head=FEED)
    calendar = icalendar.Calendar.from_ical(data)

    assert calendar.method == "PUBLISH"
    assert calendar.prodid.startswith("-//events_app//")
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert calendar.calendar_name == "Science Events"
    assert calendar["X-WR-CALNAME"] == "Science Events"
    for line in (
        b"NAME:Science Events",
        b"REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        b"X-PUBLISHED-TTL:PT1H",
        b"SOURCE;VALUE=URI:https://events.example.org/events.ics",
        b"URL:https://events.example.org/events",
    ):
        assert b"\r\n" + line + b"\r\n" in data


def test_a_single_download_is_not_a_subscription() -> None:
    head = CalendarHead(name="Talk", url=f"{BASE_URL}/events/talk")
    data = build_calendar([entry("talk")], site=SITE, head=head)

    assert b"REFRESH-INTERVAL" not in data
    assert b"SOURCE" not in data
    assert b"\r\nMETHOD:PUBLISH\r\n" in data


def test_timed_event_has_tzid_and_a_vtimezone_for_every_tzid() -> None:
    calendar = build(
        entry("berlin-talk"),
        entry("shanghai-talk", timezone="Asia/Shanghai"),
        entry("second-berlin-talk"),
        entry("all-day-in-new-york", timezone="America/New_York", all_day=True),
    )

    tzids = {
        str(v["DTSTART"].params["TZID"]) for v in calendar.events if "TZID" in v["DTSTART"].params
    }
    assert tzids == {"Europe/Berlin", "Asia/Shanghai"}
    assert sorted(tz.tz_name for tz in calendar.timezones) == ["Asia/Shanghai", "Europe/Berlin"]
    assert calendar.get_missing_tzids() == set()
    start, end = calendar.events[0].start, calendar.events[0].end
    assert isinstance(start, datetime)
    assert isinstance(end, datetime)
    assert start.replace(tzinfo=None) == datetime(2026, 12, 8, 14, 0)  # Berlin wall clock
    assert start.astimezone(UTC) == datetime(2026, 12, 8, 13, 0, tzinfo=UTC)
    assert end.astimezone(UTC) == datetime(2026, 12, 8, 15, 0, tzinfo=UTC)


def test_vtimezone_covers_the_events_years_and_no_more() -> None:
    data = build_calendar(
        [
            entry(
                "later",
                starts_at=datetime(2028, 6, 1, 10, tzinfo=UTC),
                ends_at=datetime(2028, 6, 1, 12, tzinfo=UTC),
            )
        ],
        site=SITE,
        head=FEED,
    )
    text = unfolded(data).decode()

    assert "20280326T020000" in text  # the 2028 spring change is there (02:00 at +01:00)
    assert "19800406" not in text  # and the 1980s are not


def test_all_day_event_uses_dates_with_an_exclusive_end() -> None:
    # 11 to 15 January in Shanghai: stored as midnight of the 11th up to midnight of the 16th.
    vevent = only(
        build(
            entry(
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


def test_multi_day_timed_event_keeps_its_real_start_and_end() -> None:
    vevent = only(
        build(
            entry(
                "summit",
                starts_at=datetime(2027, 3, 1, 8, 0, tzinfo=UTC),
                ends_at=datetime(2027, 3, 5, 16, 30, tzinfo=UTC),
            )
        )
    )

    assert vevent.start == datetime(2027, 3, 1, 9, 0, tzinfo=vevent.start.tzinfo)
    assert vevent.end.astimezone(UTC) == datetime(2027, 3, 5, 16, 30, tzinfo=UTC)


def test_identity_sequence_and_times_of_change() -> None:
    vevent = only(build(entry("talk", sequence=3)))

    assert vevent.uid == "talk@events-app"
    assert vevent.sequence == 3
    # A feed's DTSTAMP is the event's last change: the same bytes in every process and poll.
    assert vevent.stamp == datetime(2026, 11, 2, tzinfo=UTC)
    assert vevent.created == datetime(2026, 11, 1, tzinfo=UTC)
    assert vevent.last_modified == datetime(2026, 11, 2, tzinfo=UTC)
    assert vevent.url == f"{BASE_URL}/events/talk"


def test_same_entries_give_the_same_bytes() -> None:
    first = build_calendar([entry("talk")], site=SITE, head=FEED)
    second = build_calendar([entry("talk")], site=SITE, head=FEED)

    assert first == second


def test_text_location_geo_categories_organizer_and_links() -> None:
    vevent = only(
        build(
            entry(
                "talk",
                description="First paragraph.\n\n- one\n- two\n\nSee [the map](https://map.example.org).",
                venue="Lab building",
                address="Invalidenstraße 1, Berlin",
                latitude=52.53,
                longitude=13.38,
                organizer="Physics Society",
                categories=("Bio", "Talks"),
                articles=(ArticleLink("cells", "How cells divide"),),
            )
        )
    )

    assert vevent["SUMMARY"] == "Talk"
    assert vevent["DESCRIPTION"] == (
        "First paragraph.\n\n- one\n- two\n\nSee the map (https://map.example.org).\n\n"
        f"{BASE_URL}/events/talk\n\nRelated reading:\n- How cells divide: {BASE_URL}/articles/cells"
    )
    assert vevent["LOCATION"] == "Lab building, Invalidenstraße 1, Berlin"
    assert (vevent["GEO"].latitude, vevent["GEO"].longitude) == (52.53, 13.38)
    assert [str(name) for name in vevent.categories] == ["Bio", "Talks"]
    assert str(vevent["ORGANIZER"]) == "mailto:events@example.org"
    assert vevent["ORGANIZER"].params["CN"] == "Physics Society"
    assert [str(link) for link in vevent.links] == [f"{BASE_URL}/articles/cells"]


def test_summary_stands_in_for_an_empty_description() -> None:
    vevent = only(build(entry("talk", summary="A short talk.")))

    assert vevent["DESCRIPTION"] == f"A short talk.\n\n{BASE_URL}/events/talk"


def test_status_maps() -> None:
    calendar = build(
        entry("on", status="published"),
        entry("off", status="cancelled"),
        entry("later", status="postponed"),
    )

    statuses = {str(v["UID"]).split("@")[0]: str(v["STATUS"]) for v in calendar.events}
    assert statuses == {"on": "CONFIRMED", "off": "CANCELLED", "later": "TENTATIVE"}


def test_the_online_link_is_only_in_private_calendars() -> None:
    webinar = entry("webinar", online_url="https://meet.example.org/room-42")

    public = build_calendar([webinar], site=SITE, head=FEED)
    private = build_calendar([webinar], site=SITE, head=FEED, private=True)

    assert b"room-42" not in unfolded(public)
    assert "LOCATION" not in only(icalendar.Calendar.from_ical(public))
    own = only(icalendar.Calendar.from_ical(private))
    assert str(own["LOCATION"]) == "https://meet.example.org/room-42"
    assert "Join online: https://meet.example.org/room-42" in own["DESCRIPTION"]
    assert b"CONFERENCE;FEATURE=VIDEO;VALUE=URI:https://meet.example.org/room-42" in unfolded(
        private
    )


def test_the_second_of_two_equal_wall_clock_times_is_written_in_utc() -> None:
    # 25 October 2026, Berlin: 02:30 happens at 00:30 UTC (CEST) and again at 01:30 UTC (CET).
    first = build_vevent(
        entry(
            "a",
            starts_at=datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
            ends_at=datetime(2026, 10, 25, 4, tzinfo=UTC),
        ),
        SITE,
        stamp=NOW,
    )
    second = build_vevent(
        entry(
            "b",
            starts_at=datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
            ends_at=datetime(2026, 10, 25, 4, tzinfo=UTC),
        ),
        SITE,
        stamp=NOW,
    )

    assert b"DTSTART;TZID=Europe/Berlin:20261025T023000" in first.to_ical()
    assert b"DTSTART:20261025T013000Z" in second.to_ical()


def test_empty_calendar_is_still_a_calendar() -> None:
    calendar = build()

    assert calendar.events == []
    assert calendar.method == "PUBLISH"


def test_the_calendar_text_of_a_stored_description_keeps_line_breaks() -> None:
    source = "# Agenda\n\nLine one  \nline two\n\n1. Budget\n2. *Next* year\n\nA & B <b>"

    assert description_text(render(source).html) == (
        "Agenda\n\nLine one\nline two\n\n- Budget\n- Next year\n\nA & B <b>"
    )
