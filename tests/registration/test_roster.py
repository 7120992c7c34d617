"""The organiser's view of the registrations: counts, search, filters, pages, the CSV file."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from events_app.db import Database
from events_app.models import Registration, RegistrationStatus
from events_app.registration.notify import Notifier
from events_app.registration.roster import (
    RosterFilters,
    list_registrations,
    roster_summary,
    waitlist_positions,
)
from events_app.registration.roster_csv import CsvLabels, neutralise, roster_csv
from tests.factories import make_event
from tests.registration.helpers import confirm, register

LABELS = CsvLabels(
    name="Name", email="Email", organisation="Organisation", status="Status",
    registered_at="Registered at", confirmed_at="Confirmed at", attended="Attended",
    yes="yes", no="no",
)  # fmt: skip


def people(db: Database, now: datetime, notifier: Notifier, event_id: int, count: int) -> None:
    for number in range(count):
        _, token = register(
            db, now, notifier, event_id, f"p{number}@example.org", name=f"Person {number}"
        )
        if number % 2 == 0:
            confirm(db, now, notifier, token)


def test_counts_every_status_and_the_seats_left(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now, capacity=3)
    people(db, now, notifier, event.id, 5)  # type: ignore[arg-type]
    with db.read() as session:
        summary = roster_summary(session=session, event=event, now=now)
        positions = waitlist_positions(session=session, event_id=event.id)  # type: ignore[arg-type]
    # p0, p2 confirmed; p1 pending with the third seat held, p3 pending; p4 waitlisted
    assert summary.counts["confirmed"] == 2
    assert summary.counts["pending"] == 2
    assert summary.counts["waitlisted"] == 1
    assert summary.counts["cancelled"] == summary.counts["attended"] == 0
    assert summary.seats_left == 0
    assert summary.seated == 2
    assert list(positions.values()) == [1]


def test_search_matches_name_email_and_organisation_in_any_case_and_wildcards_are_text(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now)
    register(db, now, notifier, event.id, "ada@example.org", name="Ada Lovelace")  # type: ignore[arg-type]
    register(db, now, notifier, event.id, "alan@turing.org", name="Alan 100% Turing")  # type: ignore[arg-type]

    def found(query: str, status: RegistrationStatus | None = None) -> list[str]:
        with db.read() as session:
            page = list_registrations(
                session=session,
                event_id=event.id,  # type: ignore[arg-type]
                filters=RosterFilters(query=query, status=status),
            )
        return [r.email for r in page.items]

    assert found("LOVELACE") == ["ada@example.org"]
    assert found("turing.ORG") == ["alan@turing.org"]
    assert found("%") == ["alan@turing.org"]  # a literal percent sign, not "anything"
    assert found("_") == []
    assert found("") == ["ada@example.org", "alan@turing.org"]
    assert found("", RegistrationStatus.confirmed) == []
    assert found("a", RegistrationStatus.pending) == ["ada@example.org", "alan@turing.org"]


def test_pages_of_the_list(db: Database, now: datetime, notifier: Notifier) -> None:
    event = make_event(db, now)
    people(db, now, notifier, event.id, 5)  # type: ignore[arg-type]
    with db.read() as session:
        pages = [
            list_registrations(
                session=session, event_id=event.id, filters=RosterFilters(), page=n, page_size=2
            )
            for n in (1, 3, 0)
        ]
    assert [[r.name for r in p.items] for p in pages] == [
        ["Person 0", "Person 1"],
        ["Person 4"],
        ["Person 0", "Person 1"],  # page 0 is page 1
    ]
    assert (pages[1].pages, pages[1].total, pages[1].has_next) == (3, 5, False)


def _registration(name: str, **values: object) -> Registration:
    moment = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)
    fields: dict[str, object] = {
        "event_id": 1, "name": name, "email": "x@example.org", "email_key": "x@example.org",
        "organisation": "", "status": "confirmed", "token_nonce": "", "token_hash": "",
        "consent_at": moment, "link_sent_at": moment, "created_at": moment,
        "updated_at": moment, "confirmed_at": moment + timedelta(minutes=5),
    }  # fmt: skip
    return Registration(**(fields | values))


def read_back(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_csv_is_utf8_with_a_bom_in_the_site_timezone() -> None:
    rows = read_back(
        roster_csv(
            [_registration("Zoë Čapek", organisation="Ünïversity", status="attended")],
            tz=ZoneInfo("Europe/Berlin"),
            labels=LABELS,
        )
    )
    assert rows == [
        [
            "Name", "Email", "Organisation", "Status", "Registered at (Europe/Berlin)",
            "Confirmed at (Europe/Berlin)", "Attended", "Guests",
        ],
        [
            "Zoë Čapek", "x@example.org", "Ünïversity", "attended", "2026-12-02 00:30",
            "2026-12-02 00:35", "yes", "0",
        ],
    ]  # fmt: skip


HOSTILE = [
    '=HYPERLINK("https://evil.example","click")',
    "+SUM(1,2)",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]


def test_hostile_cells_cannot_become_formulas() -> None:
    registrations = [
        _registration(name, organisation=name, email=f"{name[:1]}x@example.org") for name in HOSTILE
    ]
    rows = read_back(roster_csv(registrations, tz=ZoneInfo("UTC"), labels=LABELS))[1:]
    for row, name in zip(rows, HOSTILE, strict=True):
        for cell in (row[0], row[1], row[2]):
            assert cell.startswith("'"), cell  # a spreadsheet shows it as text
        assert name.replace("|", "\\|") in row[0]
    assert neutralise("Ada") == "Ada"
    assert neutralise("\tx") == "'\tx"
