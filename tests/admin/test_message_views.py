"""Messages to an event's attendees over HTTP: the preview changes nothing, the send writes
one email each (with their own manage link) through the message builder, a subject cannot
carry headers, and the hourly limit holds across processes."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from events_app.app import create_app
from events_app.clock import FrozenClock
from events_app.config import Settings
from events_app.db import Database
from events_app.mail.message import build_email
from events_app.models import AttendeeMessage, Event, User
from events_app.registration.notify import Notifier
from tests.admin.web_helpers import sign_in
from tests.factories import make_event, make_user
from tests.registration.helpers import confirm, outbox, register
from tests.registration.web_helpers import csrf_from, https_client
from tests.support.audit import audit_entries
from tests.support.error_summary import assert_error_summary

PAGE = "/admin/events/talk/message"


@pytest.fixture
def editor(client: TestClient, db: Database, now: datetime) -> User:
    user = make_user(db, now, role="editor", email="ed@example.org")
    sign_in(client, user)
    return user


@pytest.fixture
def event(db: Database, now: datetime, notifier: Notifier) -> Event:
    """Two confirmed (Ada, Blaise), one waitlisted (Charles), one pending (Dora)."""
    event = make_event(db, now, slug="talk", title="The Talk", capacity=2)
    for name in ("Ada", "Blaise", "Charles"):
        _, token = register(db, now, notifier, event.id, f"{name.lower()}@example.org", name=name)  # type: ignore[arg-type]
        confirm(db, now, notifier, token)
    register(db, now, notifier, event.id, "dora@example.org", name="Dora")  # type: ignore[arg-type]
    return event


def send(client: TestClient, action: str = PAGE, **fields: Any) -> Any:
    data = {
        "csrf_token": csrf_from(client, PAGE),
        "audience": ["confirmed"],
        "subject": "Room change",
        "body": "We moved to room 2.\n\nSee you there!",
    }
    data.update(fields)
    return client.post(action, data=data, follow_redirects=False)


def messages_of(db: Database) -> list[Any]:
    return [m for m in outbox(db) if m.kind == "attendee_message"]


def test_the_preview_shows_the_exact_email_and_the_count_and_sends_nothing(
    client: TestClient, editor: User, event: Event, db: Database
) -> None:
    response = send(client, f"{PAGE}/preview", audience=["confirmed", "waitlisted"])
    assert response.status_code == 200
    text = response.text
    assert "This goes to 3 people, one email each." in text
    assert "Send to 3 people" in text
    assert "Hello Ada," not in text  # the organiser writes their own greeting
    assert "We moved to room 2." in text
    assert "https://events.example.org/r/…" in text  # where each one's own link goes
    assert '<input type="hidden" name="body" value="We moved to room 2.\n\nSee you there!">' in text
    assert messages_of(db) == []
    with db.read() as session:
        assert session.scalars(select(AttendeeMessage)).all() == []


def test_sending_writes_one_email_each_with_their_own_link(
    client: TestClient, editor: User, event: Event, db: Database, settings: Settings
) -> None:
    response = send(client, audience=["confirmed", "waitlisted"])
    assert response.status_code == 303
    assert "The message is on its way to 3 people." in client.get(response.headers["location"]).text
    sent = messages_of(db)
    assert [m.to_address for m in sent] == [
        "ada@example.org",
        "blaise@example.org",
        "charles@example.org",
    ]
    links = {re.search(r"/r/([A-Za-z0-9_-]{32})", m.text_body).group(1) for m in sent}  # type: ignore[union-attr]
    assert len(links) == 3
    assert all(m.subject == "Room change" for m in sent)
    assert "<p>We moved to room 2.</p>" in sent[0].html_body
    email = build_email(sent[0], mail_from=settings.mail_from)  # what the worker will send
    assert email["Subject"] == "Room change"
    [entry] = [e for e in audit_entries(db) if e.action == "event.message"]
    assert entry.after == {
        "subject": "Room change", "audience": "confirmed,waitlisted", "recipients": 3
    }  # fmt: skip
    page = client.get(PAGE).text
    assert "Messages sent" in page
    assert "3 people" in page


def test_only_the_chosen_group_gets_it(
    client: TestClient, editor: User, event: Event, db: Database
) -> None:
    send(client, audience=["waitlisted"])
    assert [m.to_address for m in messages_of(db)] == ["charles@example.org"]


@pytest.mark.parametrize(
    "subject", ["Hi\r\nBcc: victim@example.org", "Hi\nthere", "Hi\x00", "Hi\u2028there", "a\x85b"]
)
def test_a_subject_with_a_line_break_is_refused(
    client: TestClient, editor: User, event: Event, db: Database, subject: str
) -> None:
    for action in (f"{PAGE}/preview", PAGE):
        response = send(client, action, subject=subject)
        assert response.status_code == 400
        assert "The subject must be a single line." in response.text
    assert messages_of(db) == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"audience": []}, "Choose who gets the message."),
        ({"audience": ["pending"]}, "Choose who gets the message."),
        ({"subject": "  "}, "This field is required."),
        ({"body": ""}, "This field is required."),
        ({"body": "x" * 10_001}, "This is too long"),
        ({"subject": "x" * 151}, "This is too long"),
        ({"body": "bell \x07"}, "Use plain text"),
    ],
)
def test_bad_drafts_come_back_with_a_message_beside_the_field(
    client: TestClient, editor: User, event: Event, db: Database, fields: dict, message: str
) -> None:
    response = send(client, **fields)
    assert response.status_code == 400
    assert message in response.text
    [field] = fields
    control = {"audience": "audience", "subject": "message-subject", "body": "message-body"}
    assert_error_summary(response.text, [control[field]])
    assert messages_of(db) == []


def test_nobody_to_write_to(client: TestClient, editor: User, db: Database, now: datetime) -> None:
    make_event(db, now, slug="talk")
    response = send(client)
    assert response.status_code == 409
    assert "Nobody is in the chosen group" in response.text
    assert "there is nobody to send this to" in send(client, f"{PAGE}/preview").text


def test_the_hourly_limit_holds_across_processes(
    client: TestClient,
    editor: User,
    event: Event,
    db: Database,
    settings: Settings,
    clock: FrozenClock,
) -> None:
    settings.admin_messages_per_hour = 2
    assert send(client).status_code == 303
    clock.advance(timedelta(minutes=20))
    assert send(client).status_code == 303
    clock.advance(timedelta(minutes=20))
    # Another process (its own app, same database) counts the same sends.
    other_settings = settings.model_copy()
    with https_client(create_app(other_settings, clock=clock, database=db)) as other:
        sign_in(other, editor)
        refused = send(other)
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == str(20 * 60 + 1)
    assert "The next one can go from Tue 1 Dec 2026, 10:00 UTC" in refused.text
    assert 'value="Room change"' in refused.text  # the draft is kept
    assert len(messages_of(db)) == 4
    clock.advance(timedelta(minutes=20))
    assert send(client).status_code == 303
    assert len(messages_of(db)) == 6
