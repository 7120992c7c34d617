"""Importing iCalendar: matched by UID, so a second import updates instead of duplicating."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from events_app.calendar.entries import entry_from_event
from events_app.calendar.ics import CalendarHead, build_calendar
from events_app.calendar.vevent import CalendarSite
from events_app.db import Database
from events_app.events.editing import find_event
from events_app.models import Event, EventStatus
from events_app.transfer.checking import ImportRejected
from events_app.transfer.commands import read_document
from events_app.transfer.export import export_ics
from events_app.transfer.service import ImportReport, import_document
from tests.factories import make_article, make_event
from tests.support.routes import site_urls

DATA = Path(__file__).parent / "data"
BASE_URL = "https://events.example.org"
SITE = CalendarSite(site_urls(BASE_URL), "Events", "Events <events@example.org>")


def import_bytes(db: Database, now: datetime, data: bytes) -> ImportReport:
    with db.write() as session:
        document = read_document(
            data, session=session, urls=site_urls("https://events.example.org")
        )
        return import_document(session=session, now=now, document=document)


def export(db: Database, now: datetime) -> bytes:
    with db.read() as session:
        return export_ics(session=session, now=now, site=SITE)


def event_count(db: Database) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(Event)) or 0)


def vcalendar(*vevents: str) -> bytes:
    body = "".join(f"BEGIN:VEVENT\n{vevent.strip()}\nEND:VEVENT\n" for vevent in vevents)
    return f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n{body}END:VCALENDAR\n".encode()


def test_a_foreign_calendar_is_imported(db: Database, now: datetime) -> None:
    report = import_bytes(db, now, (DATA / "outlook.ics").read_bytes())

    assert report.created == [
        ("event", "cafe-science-board-meeting"),
        ("event", "open-day"),
        ("event", "winter-gala"),
    ]
    with db.read() as session:
        board = find_event(session=session, slug="cafe-science-board-meeting")
        assert board is not None
        assert board.title == "Café & Science: Board meeting"
        assert board.uid == "040000008200E00074C5B7101A82E008-board@example.com"
        assert board.timezone == "Europe/Berlin"  # from the Windows zone name
        assert board.starts_at == datetime(2026, 12, 10, 9, 0, tzinfo=UTC)
        assert board.ends_at == datetime(2026, 12, 10, 10, 30, tzinfo=UTC)
        assert board.description == "Agenda:\n1. Budget\n2. Next year"
        assert board.venue == "Room 4, Main building"
        assert sorted(c.name for c in board.categories) == ["Board, internal", "Governance"]
        assert board.status == EventStatus.published
        open_day = find_event(session=session, slug="open-day")
        assert open_day is not None
        assert open_day.all_day
        assert open_day.status == EventStatus.postponed
        assert open_day.starts_at == datetime(2027, 3, 5, tzinfo=UTC)
        assert open_day.ends_at == datetime(2027, 3, 7, tzinfo=UTC)  # DTEND is exclusive
        gala = find_event(session=session, slug="winter-gala")
        assert gala is not None
        assert gala.status == EventStatus.cancelled
        assert gala.timezone == "UTC"
        assert gala.ends_at - gala.starts_at == timedelta(hours=3)


def test_second_import_updates_instead_of_duplicating(db: Database, now: datetime) -> None:
    data = (DATA / "outlook.ics").read_bytes()
    import_bytes(db, now, data)

    again = import_bytes(db, now, data)
    assert again.created == []
    assert again.updated == []
    assert len(again.unchanged) == 3

    changed = data.replace(b"SUMMARY:Open day", b"SUMMARY:Open day (new date)").replace(
        b"DTSTART;VALUE=DATE:20270305", b"DTSTART;VALUE=DATE:20270306"
    )
    report = import_bytes(db, now, changed)
    assert report.updated == [("event", "open-day")]  # the slug stays: URLs do not move
    assert event_count(db) == 3
    with db.read() as session:
        open_day = find_event(session=session, uid="open-day-2027@example.com")
        assert open_day is not None
        assert open_day.title == "Open day (new date)"
        assert open_day.sequence == 1


def test_export_then_import_round_trips_by_uid(db: Database, now: datetime) -> None:
    article = make_article(db, now)
    timed = make_event(
        db, now, slug="talk", timezone="Asia/Shanghai", description="**Bold** claims.\n\nTwo.",
        venue="Hall B", address="Haidian, Beijing", online_url="https://meet.example.org/x",
        format="hybrid", capacity=30, summary="Short.", articles=[article.slug],
        categories=["Talks", "Open science"],
    )  # fmt: skip
    make_event(
        db, now, slug="fair", timezone="Europe/Berlin", all_day=True,
        starts_at=date(2027, 1, 11), ends_at=date(2027, 1, 12), status="postponed",
    )  # fmt: skip
    data = export(db, now)

    report = import_bytes(db, now, data)

    assert report.created == []
    assert report.updated == []
    assert sorted(report.unchanged) == [("event", "fair"), ("event", "talk")]
    with db.read() as session:
        talk = find_event(session=session, uid=timed.uid)
        assert talk is not None
        # What iCalendar cannot carry is kept, not blanked.
        assert talk.online_url == "https://meet.example.org/x"
        assert (talk.capacity, talk.summary) == (30, "Short.")
        assert talk.description == "**Bold** claims.\n\nTwo."
        assert (talk.venue, talk.address) == ("Hall B", "Haidian, Beijing")
        assert [a.slug for a in talk.articles] == [article.slug]
        assert talk.sequence == 0


def test_import_into_an_empty_database_keeps_uids_times_and_zones(
    db: Database, now: datetime
) -> None:
    source = [
        Event(
            uid="talk-1@elsewhere", slug="x", title="Talk in Shanghai", timezone="Asia/Shanghai",
            starts_at=datetime(2026, 12, 8, 6, 0, tzinfo=UTC),
            ends_at=datetime(2026, 12, 8, 8, 0, tzinfo=UTC),
            status=EventStatus.published, created_at=now, updated_at=now,
        ),
        Event(
            uid="fair-1@elsewhere", slug="y", title="Fair", timezone="Europe/Berlin",
            all_day=True, starts_at=datetime(2027, 1, 10, 23, 0, tzinfo=UTC),
            ends_at=datetime(2027, 1, 12, 23, 0, tzinfo=UTC),
            status=EventStatus.cancelled, created_at=now, updated_at=now,
        ),
    ]  # fmt: skip
    entries = [entry_from_event(event, now=now) for event in source]
    data = build_calendar(entries, site=SITE, head=CalendarHead(name="Elsewhere", url=BASE_URL))

    import_bytes(db, now, data)

    with db.read() as session:
        talk = find_event(session=session, uid="talk-1@elsewhere")
        assert talk is not None
        assert talk.slug == "talk-in-shanghai"
        assert talk.timezone == "Asia/Shanghai"
        assert (talk.starts_at, talk.ends_at) == (source[0].starts_at, source[0].ends_at)
        fair = find_event(session=session, uid="fair-1@elsewhere")
        assert fair is not None
        assert fair.all_day
        assert fair.status == EventStatus.cancelled
        # The dates survive; the zone does not travel with VALUE=DATE, so they are UTC days.
        assert fair.starts_at == datetime(2027, 1, 11, tzinfo=UTC)
        assert fair.ends_at == datetime(2027, 1, 13, tzinfo=UTC)


def test_slugs_from_summaries_are_unique(db: Database, now: datetime) -> None:
    make_event(db, now, slug="board-meeting")
    data = vcalendar(
        "UID:a\nSUMMARY:Board meeting\nDTSTART:20261210T100000Z\nDTEND:20261210T110000Z",
        "UID:b\nSUMMARY:Board  meeting!\nDTSTART:20261211T100000Z\nDTEND:20261211T110000Z",
        "UID:c\nSUMMARY:会议\nDTSTART:20261212T100000Z\nDTEND:20261212T110000Z",
    )

    report = import_bytes(db, now, data)

    assert report.created == [
        ("event", "board-meeting-2"),
        ("event", "board-meeting-3"),
        ("event", "会议"),  # letters of every script make a slug
    ]


def test_rejected_vevent_rejects_the_whole_calendar(db: Database, now: datetime) -> None:
    data = vcalendar(
        "UID:fine\nSUMMARY:Fine\nDTSTART:20261210T100000Z\nDTEND:20261210T110000Z",
        "UID:weekly\nSUMMARY:Weekly\nDTSTART:20261210T100000Z\nDTEND:20261210T110000Z\n"
        "RRULE:FREQ=WEEKLY",
        "SUMMARY:No uid\nDTSTART:20261210T100000Z\nDTEND:20261210T110000Z",
        "UID:backwards\nSUMMARY:Backwards\nDTSTART:20261210T100000Z\nDTEND:20261210T090000Z",
        "UID:fine\nSUMMARY:Fine again\nDTSTART:20261210T100000Z\nDTEND:20261210T110000Z",
        "UID:no-start\nSUMMARY:No start",
        "UID:no-end\nSUMMARY:No end\nDTSTART:20261210T100000Z",
    )

    with pytest.raises(ImportRejected) as caught:
        import_bytes(db, now, data)

    problems = {r.label: r.problems for r in caught.value.rejections}
    assert problems == {
        "VEVENT[1] (UID 'weekly')": ("RRULE: repeating events are not supported",),
        "VEVENT[2]": ("UID: is required (it is what matches the event on the next import)",),
        "VEVENT[3] (UID 'backwards')": ("ends_at: the event must end after it starts",),
        "VEVENT[4] (UID 'fine')": ("UID: also used by VEVENT[0] (UID 'fine')",),
        "VEVENT[5] (UID 'no-start')": ("DTSTART: is required",),
        "VEVENT[6] (UID 'no-end')": (
            "DTEND: is required (or DURATION) for an event with a start time",
        ),
    }
    assert event_count(db) == 0


def test_a_broken_calendar_is_refused(db: Database, now: datetime) -> None:
    with pytest.raises(ValueError, match="not a valid iCalendar file"):
        import_bytes(db, now, b"\xef\xbb\xbf  BEGIN:VCALENDAR\nthis is not a content line\n")
