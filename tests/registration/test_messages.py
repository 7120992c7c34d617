"""An organiser's message reads as they wrote it: their own greeting ("Dear ..."), not a
second one of ours before it."""

from __future__ import annotations

from datetime import datetime

from events_app.db import Database
from events_app.registration.messages import parse_draft, send_message
from events_app.registration.notify import Notifier
from tests.factories import make_event, make_user
from tests.registration.helpers import confirm, outbox, register

BODY = "Dear Ada,\n\nWe moved to room 2.\nSee you there!"


def test_the_message_opens_with_the_organisers_own_words(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now)
    assert event.id is not None
    _registration, token = register(db, now, notifier, event.id, "ada@example.org")
    confirm(db, now, notifier, token)
    actor = make_user(db, now, role="editor", email="ed@example.org")
    draft, errors = parse_draft(["confirmed"], "Room change", BODY)
    assert draft is not None, errors
    with db.write() as session:
        send_message(
            session=session, now=now, actor=session.merge(actor), event_id=event.id,
            draft=draft, notifier=notifier, per_hour=5,
        )  # fmt: skip
    [message] = [m for m in outbox(db) if m.kind == "attendee_message"]
    assert message.text_body.startswith(BODY + "\n")
    assert "Hello" not in message.text_body
    assert "Hello" not in message.html_body
    assert "<p>Dear Ada,</p>\n<p>We moved to room 2.<br>See you there!</p>" in message.html_body
    assert "This message comes from the organisers of" in message.text_body
