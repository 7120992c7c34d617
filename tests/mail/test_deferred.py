"""Emails the worker writes when it sends them (mail/deferred.py): the change queues them
unwritten, the worker writes them from the rows as they are then, keeps what it wrote, and
fails for good an email whose registration is gone."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlmodel import col

from events_app.clock import FrozenClock
from events_app.config import Settings
from events_app.db import Database
from events_app.models import Event, OutboxMessage, OutboxStatus, Registration
from events_app.registration import service
from events_app.registration.notify import Notifier
from tests.factories import make_event, make_worker
from tests.registration.helpers import confirm, register
from tests.support.smtp import SmtpServer


def rows(db: Database) -> list[OutboxMessage]:
    with db.read() as session:
        return list(session.scalars(select(OutboxMessage).order_by(col(OutboxMessage.id))).all())


def test_a_confirmation_queues_its_email_unwritten_with_its_subject(
    db: Database, clock: FrozenClock, notifier: Notifier
) -> None:
    now = clock.now()
    event = make_event(db, now, capacity=5, title="Quantum sensing")
    _, token = register(db, now, notifier, event.id, "ada@example.org")
    confirm(db, now, notifier, token)
    queued = rows(db)
    assert [m.kind for m in queued] == ["confirm_request", "confirmed"]
    for message in queued:
        assert message.text_body == message.html_body == ""
        assert message.composition
        assert "Quantum sensing" in message.subject
        assert message.to_address == "ada@example.org"


def test_the_worker_writes_sends_and_keeps_what_it_wrote(
    db: Database,
    clock: FrozenClock,
    smtp_settings: Settings,
    smtp_server: SmtpServer,
    notifier: Notifier,
) -> None:
    now = clock.now()
    event = make_event(db, now, capacity=5, title="Quantum sensing")
    _, token = register(db, now, notifier, event.id, "ada@example.org")
    confirm(db, now, notifier, token)
    assert make_worker(settings=smtp_settings, db=db, clock=clock).run_once().sent == 2
    received = smtp_server.collector.received
    stored = rows(db)
    for item, row in zip(received, stored, strict=True):
        assert row.composition == ""
        assert row.status == OutboxStatus.sent
        plain = item.message.get_body(("plain",))
        assert plain is not None
        assert plain.get_content().replace("\r\n", "\n") == row.text_body
        assert item.message["Subject"] == row.subject
    confirmed = received[1].message
    assert f"/r/{token}" in confirmed.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    attached = {part.get_content_type() for part in confirmed.walk()}
    assert {"text/calendar", "image/png"} <= attached  # the invitation and the QR code


def test_the_email_shows_the_seat_as_it_was_when_the_change_happened(
    db: Database, clock: FrozenClock, notifier: Notifier, settings: Settings
) -> None:
    """A waitlisted place keeps its position and an online seat its link, even when the
    registration has moved on before the worker writes the email."""
    now = clock.now()
    event = make_event(
        db, now, capacity=1, format="online", online_url="https://meet.example.org/room"
    )
    _, first = register(db, now, notifier, event.id, "ada@example.org")
    confirm(db, now, notifier, first)
    with db.write() as session:
        seated = session.scalars(select(Registration)).one()
        service.cancel_registration(
            session=session, now=now, registration=seated, notifier=notifier
        )
    writer = notifier.writers["registration"]
    with db.read() as session:
        message = next(m for m in rows(db) if m.kind == "confirmed")
        email = writer(session=session, message=message, values=_values(message))
    assert "https://meet.example.org/room" in email.text  # it held the seat then


def test_an_email_whose_registration_was_deleted_fails_and_is_not_sent(
    db: Database,
    clock: FrozenClock,
    smtp_settings: Settings,
    smtp_server: SmtpServer,
    notifier: Notifier,
) -> None:
    now = clock.now()
    event = make_event(db, now, capacity=5)
    register(db, now, notifier, event.id, "ada@example.org")
    with db.write() as session:
        session.delete(session.scalars(select(Registration)).one())
    report = make_worker(settings=smtp_settings, db=db, clock=clock).run_once()
    assert (report.sent, report.failed) == (0, 1)
    assert smtp_server.collector.received == []
    [message] = rows(db)
    assert message.status == OutboxStatus.failed
    assert "deleted" in message.last_error


def test_an_event_changed_before_the_email_is_written_is_shown_as_it_is_then(
    db: Database, clock: FrozenClock, notifier: Notifier, settings: Settings
) -> None:
    now = clock.now()
    event = make_event(db, now, capacity=5, title="Old title")
    register(db, now, notifier, event.id, "ada@example.org")
    with db.write() as session:
        stored = session.get(Event, event.id)
        assert stored is not None
        stored.title = "New title"
    [message] = rows(db)
    with db.read() as session:
        email = notifier.write(session=session, message=message, values=_values(message))
    assert "New title" in email.text
    assert "Old title" in message.subject  # the subject was written with the change


def _values(message: OutboxMessage) -> dict[str, object]:
    stored = json.loads(message.composition)
    assert stored["writer"] == "registration"
    return dict(stored["values"])
