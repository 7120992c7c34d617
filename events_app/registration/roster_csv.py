"""The attendee list as a CSV file that Excel opens correctly and safely.

- UTF-8 with a byte order mark: without it Excel reads the file in the machine's legacy code
  page and garbles every name outside ASCII.
- Safe against formula injection (CSV injection): a cell that starts with `=`, `+`, `-`, `@`
  (or `|`, `%`) is written with a leading apostrophe by defusedcsv, so a registration named
  `=HYPERLINK(...)` stays text. defusedcsv leaves a leading tab or carriage return alone,
  which some spreadsheets strip before reading a formula, so those are neutralised here too.
- Times in the site's timezone, written as spreadsheets parse them (YYYY-MM-DD HH:MM).
- One column per question of the event (headed by its label), then one per question since
  removed that someone answered (headed by the label as it was asked).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from defusedcsv import csv

from events_app.events.questions import Question
from events_app.models import Registration, RegistrationStatus
from events_app.registration.answers import as_text, by_key

_ALSO_RISKY = ("\t", "\r")


@dataclass(frozen=True)
class CsvLabels:
    """The header and the words of the file, in the site's language (given by the caller)."""

    name: str
    email: str
    organisation: str
    status: str
    registered_at: str
    confirmed_at: str
    attended: str
    yes: str
    no: str
    guests: str = "Guests"  # last: a party's guests, for the door and the catering


def neutralise(value: str) -> str:
    """What defusedcsv does not cover; it handles the rest when the row is written."""
    return "'" + value if value.startswith(_ALSO_RISKY) else value


def _moment(value: datetime | None, tz: ZoneInfo) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M") if value else ""


def _question_columns(
    questions: Iterable[Question], registrations: list[Registration]
) -> list[tuple[str, str]]:
    columns = {question.key: question.label for question in questions}
    for registration in registrations:
        for answer in registration.answers:
            columns.setdefault(str(answer.get("key")), str(answer.get("label", "")))
    return list(columns.items())


def _answers(registration: Registration, columns: list[tuple[str, str]], yes: str) -> list[str]:
    given = by_key(registration.answers)
    return [neutralise(as_text(given[key], yes=yes)) if key in given else "" for key, _ in columns]


def roster_csv(
    registrations: Iterable[Registration],
    *,
    tz: ZoneInfo,
    labels: CsvLabels,
    questions: Iterable[Question] = (),
) -> bytes:
    registrations = list(registrations)
    columns = _question_columns(questions, registrations)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    zone_note = f" ({tz.key})"
    writer.writerow(
        [
            labels.name,
            labels.email,
            labels.organisation,
            labels.status,
            labels.registered_at + zone_note,
            labels.confirmed_at + zone_note,
            labels.attended,
            labels.guests,
            *(neutralise(label) for _key, label in columns),
        ]
    )
    for registration in registrations:
        attended = registration.status == RegistrationStatus.attended
        writer.writerow(
            [
                neutralise(registration.name),
                neutralise(registration.email),
                neutralise(registration.organisation),
                str(registration.status),
                _moment(registration.created_at, tz),
                _moment(registration.confirmed_at, tz),
                labels.yes if attended else labels.no,
                str(registration.guests),
                *_answers(registration, columns, labels.yes),
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")
