"""Every calendar file the app writes, read back by two independent parsers: `icalendar` (which
reads a TZID as an IANA name) and `vobject` (which reads the file's own VTIMEZONE through
dateutil). Both must find the same events the app meant to publish: identity, text, status,
SEQUENCE, and the same instants, with DTSTART written as the wall clock of the event's zone.

vobject keeps one process-wide registry of the VTIMEZONEs it has read (the first one read for
a TZID wins), so these readers resolve a TZID with the VTIMEZONE of the file being read.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from starlette.testclient import TestClient

from events_app.calendar.entries import ArticleLink, CalendarEntry, entry_from_event
from events_app.calendar.ics import CalendarHead, build_calendar
from events_app.calendar.invitation import InvitationMethod, build_invitation
from events_app.calendar.vevent import CalendarSite, calendar_site, describe
from events_app.clock import FrozenClock
from events_app.config import Settings
from events_app.db import Database
from events_app.events.editing import find_event
from events_app.registration.notify import Notifier
from events_app.transfer.export import export_ics
from tests.calendar.readers import (
    ReadEvent,
    read_vobject_calendar,
    read_with_icalendar,
    read_with_vobject,
)
from tests.factories import make_article, make_entry, make_event
from tests.registration.helpers import confirm, register
from tests.support.routes import site_urls

BASE_URL = "https://events.example.org"
SITE = CalendarSite(site_urls(BASE_URL), "Science Events", "Science Events <events@example.org>")
FEED = CalendarHead(
    name="Science Events", url=f"{BASE_URL}/events", source=f"{BASE_URL}/events.ics"
)
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
VEVENT_STATUS = {"published": "CONFIRMED", "cancelled": "CANCELLED", "postponed": "TENTATIVE"}

LONG_DESCRIPTION = (
    "## 日程 / Agenda\n\n"
    "欢迎来到中关村！A long description, with commas, semicolons; and line breaks.\n\n"
    "- 上午：参观实验室, 量子计算机; 光子芯片\n"
    '- 下午：讨论会 — "Q&A" with the team\n\n'
    + "中关村是中国第一个国家级高新技术产业开发区，也是科技创新的重要源头；" * 12
    + "\n\nSee [the map](https://map.example.org/zgc?lang=zh&x=1). Path: C:\\data\\new."
)


def read_both(data: bytes) -> dict[str, ReadEvent]:
    """The events as both parsers read them, after checking that they agree."""
    by_icalendar, by_vobject = read_with_icalendar(data), read_with_vobject(data)
    assert by_icalendar == by_vobject
    return by_icalendar


def expected(
    entry: CalendarEntry,
    *,
    private: bool = False,
    status: str | None = None,
    site: CalendarSite = SITE,
) -> ReadEvent:
    """What a calendar app must read for `entry` (in a zone other than UTC, and not at the
    second of two equal wall-clock times: test_dst.py covers those)."""
    tz = ZoneInfo(entry.timezone)
    start_local, end_local = entry.starts_at.astimezone(tz), entry.ends_at.astimezone(tz)
    place = ", ".join(part for part in (entry.venue, entry.address) if part)
    if private and not place:
        place = entry.online_url
    if entry.all_day:
        start: date | datetime = start_local.date()
        end: date | datetime = end_local.date()
        tzid, wall = None, start
    else:
        start, end = entry.starts_at.astimezone(UTC), entry.ends_at.astimezone(UTC)
        tzid, wall = entry.timezone, start_local.replace(tzinfo=None)
    return ReadEvent(
        uid=entry.uid,
        summary=entry.title,
        description=describe(entry, site, private=private),
        location=place or None,
        status=status or VEVENT_STATUS[entry.status],
        sequence=entry.sequence,
        start=start,
        end=end,
        start_tzid=tzid,
        end_tzid=tzid,
        start_wall=wall,
    )


def sample_entries() -> list[CalendarEntry]:
    return [
        make_entry(
            slug="evening-lecture",
            title="Cells, membranes; and more",
            description="First paragraph.\n\n- one\n- two\n\nSee [the map](https://map.example.org).",
            starts_at=datetime(2026, 12, 8, 17, 0, tzinfo=UTC),
            ends_at=datetime(2026, 12, 8, 19, 0, tzinfo=UTC),
            venue="Lab building",
            address="Invalidenstraße 1, Berlin",
            latitude=52.53,
            longitude=13.38,
            organizer="Physics Society",
            categories=("Bio", "Public talks"),
            articles=(ArticleLink("cells", "How cells divide"),),
            sequence=2,
        ),
        make_entry(
            slug="winter-school",
            timezone="Asia/Shanghai",
            all_day=True,
            starts_at=datetime(2027, 1, 10, 16, 0, tzinfo=UTC),
            ends_at=datetime(2027, 1, 15, 16, 0, tzinfo=UTC),
            venue="Fudan University",
        ),
        make_entry(
            slug="summit",
            timezone="America/New_York",
            starts_at=datetime(2027, 3, 1, 14, 0, tzinfo=UTC),
            ends_at=datetime(2027, 3, 5, 22, 30, tzinfo=UTC),
            summary="Four days, two tracks.",
        ),
        make_entry(
            slug="webinar",
            online_url="https://meet.example.org/room-42",
            status="postponed",
            sequence=1,
        ),
        make_entry(
            slug="cancelled-lecture",
            status="cancelled",
            sequence=3,
            venue="Hall B",
            cancelled_at=datetime(2026, 11, 20, tzinfo=UTC),
        ),
        make_entry(
            slug="zhongguancun-open-day",
            title="中关村开放日：量子计算, 光子; 与未来",
            timezone="Asia/Shanghai",
            starts_at=datetime(2026, 12, 12, 1, 30, tzinfo=UTC),
            ends_at=datetime(2026, 12, 12, 9, 0, tzinfo=UTC),
            venue="中关村创业大街",
            address="北京市海淀区, 中关村大街 1 号",
            description=LONG_DESCRIPTION,
        ),
        make_entry(
            slug="kolkata-colloquium",  # a zone half an hour off the hour
            timezone="Asia/Kolkata",
            starts_at=datetime(2026, 12, 15, 10, 0, tzinfo=UTC),
            ends_at=datetime(2026, 12, 15, 11, 15, tzinfo=UTC),
        ),
    ]


# --- Files built from entries ------------------------------------------------------------------


@pytest.mark.parametrize("private", [False, True], ids=["public-feed", "attendee-feed"])
def test_a_feed_reads_back_the_same_with_both_parsers(private: bool) -> None:
    entries = sample_entries()
    data = build_calendar(entries, site=SITE, head=FEED, private=private)

    assert read_both(data) == {e.uid: expected(e, private=private) for e in entries}


def test_the_online_link_reads_back_only_from_the_attendee_feed() -> None:
    [webinar] = [e for e in sample_entries() if e.online_url]

    public = read_both(build_calendar([webinar], site=SITE, head=FEED))[webinar.uid]
    private = read_both(build_calendar([webinar], site=SITE, head=FEED, private=True))

    assert public.location is None
    assert webinar.online_url not in public.description
    assert private[webinar.uid].location == webinar.online_url
    assert f"Join online: {webinar.online_url}" in private[webinar.uid].description


def test_a_single_event_download_reads_back() -> None:
    [entry] = [e for e in sample_entries() if e.slug == "zhongguancun-open-day"]
    head = CalendarHead(name=entry.title, url=SITE.event_url(entry.slug))

    data = build_calendar([entry], site=SITE, head=head)

    assert read_both(data) == {entry.uid: expected(entry)}
    assert read_vobject_calendar(data).method.value == "PUBLISH"


@pytest.mark.parametrize(
    ("method", "status", "partstat"),
    [
        (InvitationMethod.request, "CONFIRMED", "ACCEPTED"),
        (InvitationMethod.cancel, "CANCELLED", "DECLINED"),
    ],
)
def test_an_invitation_reads_back_with_its_method_organizer_and_attendee(
    method: InvitationMethod, status: str, partstat: str
) -> None:
    entry = make_entry(
        slug="lab-tour", venue="Lab building", online_url="https://meet.example.org/lab-tour"
    )

    data = build_invitation(
        entry,
        SITE,
        method=method,
        attendee_name="李伟 (Wei, Li)",
        attendee_email="li.wei@example.org",
        now=NOW,
        private=True,
    )

    assert read_both(data) == {entry.uid: expected(entry, private=True, status=status)}
    by_icalendar = icalendar.Calendar.from_ical(data)
    by_vobject = read_vobject_calendar(data)
    assert by_icalendar.method == by_vobject.method.value == method.value
    attendee = by_icalendar.events[0]["ATTENDEE"]
    assert str(attendee) == by_vobject.vevent.attendee.value == "mailto:li.wei@example.org"
    assert attendee.params["CN"] == by_vobject.vevent.attendee.params["CN"][0] == "李伟 (Wei, Li)"
    assert attendee.params["PARTSTAT"] == by_vobject.vevent.attendee.params["PARTSTAT"][0]
    assert attendee.params["PARTSTAT"] == partstat
    assert by_vobject.vevent.organizer.value == "mailto:events@example.org"
    assert by_vobject.vevent.organizer.params["CN"] == ["Science Events"]
    # An invitation is stamped when it is sent (a feed's VEVENT, when the event last changed).
    assert by_vobject.vevent.dtstamp.value == by_icalendar.events[0].stamp == NOW


def test_category_names_with_commas_and_semicolons_read_back_whole() -> None:
    entry = make_entry(slug="panel", categories=("Q&A; panels", "Science, Technology"))

    data = build_calendar([entry], site=SITE, head=FEED)

    [by_icalendar] = icalendar.Calendar.from_ical(data).events
    by_vobject = read_vobject_calendar(data).vevent
    assert [str(name) for name in by_icalendar.categories] == list(entry.categories)
    assert by_vobject.categories.value == list(entry.categories)


def test_an_event_without_categories_has_no_categories() -> None:
    entry = make_entry(slug="plain-talk")

    data = build_calendar([entry], site=SITE, head=FEED)

    [by_icalendar] = icalendar.Calendar.from_ical(data).events
    by_vobject = read_vobject_calendar(data).vevent
    assert [str(name) for name in by_icalendar.categories] == []
    assert by_vobject.contents.get("categories", []) == []


def test_vobject_reads_the_rfc_7986_and_9253_properties_only_as_untyped_text() -> None:
    """What vobject 0.9.9 makes of the properties it has no behaviour for: it keeps them, with
    their parameters, but as raw strings (no URI, duration or float values). Calendar apps
    built on it see the text; none of the values is lost or altered."""
    entry = make_entry(
        slug="talk",
        online_url="https://meet.example.org/room-42",
        latitude=52.53,
        longitude=13.38,
        articles=(ArticleLink("cells", "How cells divide"),),
    )
    data = build_calendar([entry], site=SITE, head=FEED, private=True)

    calendar = read_vobject_calendar(data)
    vevent = calendar.vevent

    assert (vevent.link.value, vevent.link.params) == (
        f"{BASE_URL}/articles/cells",
        {"VALUE": ["URI"]},
    )
    assert (vevent.conference.value, vevent.conference.params) == (
        "https://meet.example.org/room-42",
        {"FEATURE": ["VIDEO"], "VALUE": ["URI"]},
    )
    assert vevent.geo.value == "52.53;13.38"  # RFC 5545 GEO too: one string, not two floats
    assert (calendar.contents["refresh-interval"][0].value, calendar.source.value) == (
        "PT1H",
        f"{BASE_URL}/events.ics",
    )
    assert calendar.contents["name"][0].value == "Science Events"
    # icalendar, for comparison, types them.
    [by_icalendar] = icalendar.Calendar.from_ical(data).events
    assert [str(link) for link in by_icalendar.links] == [f"{BASE_URL}/articles/cells"]
    geo = by_icalendar["GEO"]
    assert isinstance(geo, icalendar.vGeo)
    assert (geo.latitude, geo.longitude) == (52.53, 13.38)


# --- Files served by the app -------------------------------------------------------------------


def _expected_from_database(
    db: Database, settings: Settings, now: datetime, slugs: list[str], *, private: bool = False
) -> dict[str, ReadEvent]:
    with db.read() as session:
        events = [find_event(session=session, slug=slug) for slug in slugs]
        entries = [entry_from_event(event, now=now) for event in events if event is not None]
    assert len(entries) == len(slugs)
    site = calendar_site(settings, site_urls(settings))
    return {entry.uid: expected(entry, private=private, site=site) for entry in entries}


def _served(client: TestClient, path: str) -> bytes:
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.headers["content-type"].startswith("text/calendar"), path
    return response.content


def test_feeds_served_by_the_app_read_back_with_both_parsers(
    client: TestClient, db: Database, clock: FrozenClock, settings: Settings
) -> None:
    now = clock.now()
    week = now + timedelta(days=7)
    make_article(db, now, slug="quantum-story", title="Quantum, explained")
    make_event(
        db,
        now,
        slug="quantum-evening",
        title="Quantum evening: qubits, gates; errors",
        starts_at=week,
        timezone="Europe/Berlin",
        venue="Lab building",
        address="Invalidenstraße 1, Berlin",
        online_url="https://meet.example.org/quantum",
        categories=["Quantum technology"],
        articles=["quantum-story"],
    )
    make_event(
        db,
        now,
        slug="winter-school",
        title="Winter school",
        starts_at=date(2027, 1, 11),
        ends_at=date(2027, 1, 15),
        all_day=True,
        timezone="Asia/Shanghai",
        categories=["Quantum technology"],
    )
    make_event(
        db,
        now,
        slug="zhongguancun-open-day",
        title="中关村开放日",
        starts_at=week + timedelta(days=1),
        timezone="Asia/Shanghai",
        venue="中关村创业大街",
        description=LONG_DESCRIPTION,
        articles=["quantum-story"],
    )
    make_event(
        db,
        now,
        slug="called-off",
        title="Called off",
        status="cancelled",
        timezone="America/New_York",
    )
    make_event(db, now, slug="draft-idea", status="draft", categories=["Quantum technology"])
    make_event(db, now, slug="not-yet-live", publish_at=now + timedelta(days=1))

    feeds = {
        "/events.ics": ["quantum-evening", "called-off", "zhongguancun-open-day", "winter-school"],
        "/categories/quantum-technology.ics": ["quantum-evening", "winter-school"],
        "/articles/quantum-story/events.ics": ["quantum-evening", "zhongguancun-open-day"],
        "/events/zhongguancun-open-day.ics": ["zhongguancun-open-day"],
        "/events/called-off.ics": ["called-off"],
    }
    for path, slugs in feeds.items():
        wanted = _expected_from_database(db, settings, now, slugs)
        assert read_both(_served(client, path)) == wanted, path
    statuses = {
        event.summary: event.status for event in read_both(_served(client, "/events.ics")).values()
    }
    assert statuses["Called off"] == "CANCELLED"
    assert statuses["Winter school"] == "CONFIRMED"


def test_attendee_files_served_by_the_app_read_back_with_the_online_link(
    client: TestClient, db: Database, clock: FrozenClock, settings: Settings, notifier: Notifier
) -> None:
    now = clock.now()
    event = make_event(
        db,
        now,
        slug="lab-tour",
        title="Lab tour, with demos; bring shoes",
        timezone="Europe/Berlin",
        venue="",
        online_url="https://meet.example.org/lab-tour",
    )
    assert event.id is not None
    _, token = register(db, now, notifier, event.id, "ada@example.org")
    confirm(db, now, notifier, token)

    wanted = _expected_from_database(db, settings, now, ["lab-tour"], private=True)
    for path in (f"/r/{token}/calendar.ics", f"/r/{token}/event.ics"):
        data = _served(client, path)
        assert read_both(data) == wanted, path
        [own] = read_with_vobject(data).values()
        assert own.location == "https://meet.example.org/lab-tour"


def test_the_ics_export_reads_back_with_both_parsers(
    db: Database, clock: FrozenClock, settings: Settings
) -> None:
    now = clock.now()
    make_event(db, now, slug="berlin-talk", timezone="Europe/Berlin", venue="Hall, Room 1")
    make_event(db, now, slug="tokyo-talk", timezone="Asia/Tokyo", online_url="https://x.org/r")
    make_event(db, now, slug="draft-talk", status="draft")

    with db.read() as session:
        data = export_ics(
            session=session, now=now, site=calendar_site(settings, site_urls(settings))
        )

    assert read_both(data) == _expected_from_database(
        db, settings, now, ["berlin-talk", "tokyo-talk"]
    )
