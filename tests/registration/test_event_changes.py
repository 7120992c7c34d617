"""A "Changed" email says what changed: the old time and the new, the old place and the new,
only for what did change, the old time worded in the event's zone as the emails word times.
What the email is given for it is plain JSON (the outbox may write the email later from
stored parameters)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session

from events_app.db import Database
from events_app.events.editing import find_event
from events_app.events.writes import changed_data, update_event
from events_app.models import Event, Registration, User
from events_app.registration.event_changes import as_told, what_changed
from events_app.registration.notify import Notifier
from events_app.transfer.commands import read_document
from events_app.transfer.service import import_document
from tests.factories import make_event, make_user
from tests.registration.helpers import confirm, outbox, register
from tests.support.routes import site_urls

BERLIN_START = "Tue 8 Dec 2026, 10:00–12:00 CET (UTC+1)"
BERLIN_LATER = "Tue 8 Dec 2026, 12:00–14:00 CET (UTC+1)"
BASE_URL = "https://events.example.org"


class RecordingNotifier(Notifier):
    """The app's notifier, keeping what each email was given besides."""

    extras: list[Mapping[str, Any] | None]

    def notify(
        self, *, session: Session, now: datetime, kind: str, registration: Registration,
        event: Event, **options: Any,
    ) -> None:  # fmt: skip
        self.extras.append(options.get("extra"))
        super().notify(
            session=session, now=now, kind=kind, registration=registration, event=event, **options
        )


@pytest.fixture
def recorder(notifier: Notifier) -> RecordingNotifier:
    recording = RecordingNotifier(notifier.settings, notifier.composer.urls)
    recording.extras = []
    return recording


@pytest.fixture
def editor(db: Database, now: datetime) -> User:
    return make_user(db, now, role="editor", email="ed@example.org")


@pytest.fixture
def event(db: Database, now: datetime, notifier: Notifier) -> Event:
    """In Berlin's zone, 09:00 UTC a week on, with one confirmed attendee."""
    event = make_event(
        db,
        now,
        timezone="Europe/Berlin",
        starts_at=datetime(2026, 12, 8, 9, tzinfo=now.tzinfo),
        venue="Main Hall",
        address="Unter den Linden 6",
    )
    assert event.id is not None
    _registration, token = register(db, now, notifier, event.id, "ada@example.org")
    confirm(db, now, notifier, token)
    return event


def change(
    db: Database, now: datetime, notifier: Notifier, editor: User, event: Event, **changes: Any
) -> tuple[str, str]:
    """The organiser's change, telling attendees; the plain text and HTML of the email."""
    sent = len(outbox(db))
    with db.write() as session:
        stored = session.get(Event, event.id)
        assert stored is not None
        assert stored.id is not None
        data = changed_data(stored, **changes)
        done = update_event(
            session=session, now=now, actor=editor, event_id=stored.id, data=data,
            notify=True, notifier=notifier,
        )  # fmt: skip
        assert done is not None
    [email] = outbox(db)[sent:]
    assert email.kind == "event_changed"
    return email.text_body, email.html_body


def test_a_new_time_names_the_old_one_in_the_events_zone(
    db: Database, now: datetime, recorder: RecordingNotifier, editor: User, event: Event
) -> None:
    text, html = change(
        db, now, recorder, editor, event,
        starts_at=(event.starts_at + timedelta(hours=2)).isoformat(),
        ends_at=(event.ends_at + timedelta(hours=2)).isoformat(),
    )  # fmt: skip
    assert "The time of Event" in text
    assert f"When: {BERLIN_START} → {BERLIN_LATER}" in text
    assert "Where: Main Hall, Unter den Linden 6\n" in text  # unchanged: no arrow
    assert text.count("→") == 1
    assert f"<strong>{BERLIN_START} → {BERLIN_LATER}</strong>" in html
    # Plain JSON, the same after a round trip: strings and dicts only.
    [extra] = recorder.extras
    assert extra is not None
    assert json.loads(json.dumps(extra)) == extra
    assert extra["changes"] == {"when": {"old": BERLIN_START, "new": BERLIN_LATER}}


def test_a_new_place_names_the_old_one_and_leaves_the_time_alone(
    db: Database, now: datetime, recorder: RecordingNotifier, editor: User, event: Event
) -> None:
    text, html = change(
        db, now, recorder, editor, event, venue="Room 2 & 3", address="Mohrenstr. 1"
    )
    assert "The place of Event" in text
    assert "Where: Main Hall, Unter den Linden 6 → Room 2 & 3, Mohrenstr. 1" in text
    assert f"When: {BERLIN_START}\n" in text
    assert text.count("→") == 1
    assert "<strong>Main Hall, Unter den Linden 6 → Room 2 &amp; 3, Mohrenstr. 1</strong>" in html
    [extra] = recorder.extras
    assert extra is not None
    assert json.loads(json.dumps(extra)) == extra
    assert set(extra["changes"]) == {"place"}


def test_time_and_place_both_and_going_online(
    db: Database, now: datetime, notifier: Notifier, editor: User, event: Event
) -> None:
    text, _html = change(
        db, now, notifier, editor, event,
        starts_at=(event.starts_at + timedelta(hours=2)).isoformat(),
        ends_at=(event.ends_at + timedelta(hours=2)).isoformat(),
        format="online", venue="", address="", online_url="https://meet.example.org/x",
    )  # fmt: skip
    assert "The time and place of Event" in text
    assert f"When: {BERLIN_START} → {BERLIN_LATER}" in text
    assert "Where: Main Hall, Unter den Linden 6 → Online" in text


def test_what_changed_keeps_only_differences(now: datetime) -> None:
    before = {"when": "Mon", "place": {"format": "in_person", "venue": "A", "address": ""}}
    assert what_changed(before, before) == {}
    after = {**before, "when": "Tue"}
    assert what_changed(before, after) == {"when": {"old": "Mon", "new": "Tue"}}


def test_as_told_words_the_time_as_the_emails_do(db: Database, now: datetime) -> None:
    event = make_event(
        db, now, timezone="Asia/Shanghai", starts_at=datetime(2026, 12, 8, 9, tzinfo=now.tzinfo)
    )
    told = as_told(event, "en")
    assert told["when"].startswith("Tue 8 Dec 2026, 17:00–19:00")
    assert json.loads(json.dumps(told)) == told


def test_an_import_that_moves_the_event_says_where_it_was(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    def import_with(venue: str, tell: Notifier | None) -> None:
        record = {
            "slug": "talk", "title": "Talk", "status": "published", "timezone": "Europe/Berlin",
            "venue": venue,
            "starts_at": "2026-12-08T10:00:00+01:00", "ends_at": "2026-12-08T12:00:00+01:00",
        }  # fmt: skip
        with db.write() as session:
            document = read_document(
                json.dumps([record]).encode(), session=session, urls=site_urls(BASE_URL)
            )
            import_document(session=session, now=now, document=document, notifier=tell)

    import_with("Hall A", None)
    with db.read() as session:
        talk = find_event(session=session, slug="talk")
        assert talk is not None
        assert talk.id is not None
    _registration, token = register(db, now, notifier, talk.id, "ada@example.org")
    confirm(db, now, notifier, token)
    import_with("Hall B", notifier)
    [email] = [m for m in outbox(db) if m.kind == "event_changed"]
    assert "Where: Hall A → Hall B" in email.text_body
    assert f"When: {BERLIN_START}\n" in email.text_body
