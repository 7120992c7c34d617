"""Registration emails carry the event as an iTIP invitation; a change of time, place or
status reaches confirmed attendees as an update with the same UID and a higher SEQUENCE, a
cancellation as METHOD:CANCEL. All through the outbox."""

from __future__ import annotations

from datetime import timedelta

import icalendar

from events_app.clock import FrozenClock
from events_app.config import Settings
from events_app.db import Database
from events_app.mail.outbox import decode_attachments
from events_app.models import OutboxMessage
from events_app.registration import service
from events_app.registration.event_changes import notify_event_change
from events_app.registration.notify import Notifier
from events_app.registration.pages import find_registration
from events_app.transfer.commands import run_import
from events_app.transfer.export import export_json
from tests.factories import edit_event, make_event
from tests.registration.helpers import confirm, outbox, register
from tests.support.routes import site_urls


def invitation(message: OutboxMessage) -> tuple[str, icalendar.Event]:
    # Beside the invitation, emails that give a seat carry the check-in code's QR image.
    [attachment] = [
        attachment
        for attachment in decode_attachments(message.attachments)
        if attachment.content_type.startswith("text/calendar")
    ]
    calendar = icalendar.Calendar.from_ical(attachment.content)
    [vevent] = calendar.events
    assert attachment.content_type == f"text/calendar; method={calendar.method}"
    return str(calendar.method), vevent


def by_kind(db: Database, kind: str) -> list[OutboxMessage]:
    return [message for message in outbox(db) if message.kind == kind]


def test_a_confirmed_seat_comes_with_a_request(
    db: Database, clock: FrozenClock, notifier: Notifier
) -> None:
    now = clock.now()
    event = make_event(db, now, online_url="https://meet.example.org/room-7", format="hybrid")
    _, token = register(db, now, notifier, event.id, "ada@example.org", name="Ada Lovelace")
    confirm(db, now, notifier, token)

    [confirmed] = by_kind(db, "confirmed")
    method, vevent = invitation(confirmed)

    assert method == "REQUEST"
    assert vevent["UID"] == event.uid
    assert str(vevent["ORGANIZER"]).startswith("mailto:")
    [attendee] = [vevent["ATTENDEE"]]
    assert str(attendee) == "mailto:ada@example.org"
    assert attendee.params["CN"] == "Ada Lovelace"
    assert attendee.params["PARTSTAT"] == "ACCEPTED"
    assert vevent["DTSTAMP"].dt == now
    assert "https://meet.example.org/room-7" in str(vevent["DESCRIPTION"])  # their own copy
    assert by_kind(db, "confirm_request")[0].attachments in ("", "[]")


def test_a_new_time_sends_an_update_to_confirmed_attendees_only(
    db: Database, clock: FrozenClock, notifier: Notifier
) -> None:
    now = clock.now()
    event = make_event(db, now, slug="talk", capacity=1)
    _, seated = register(db, now, notifier, event.id, "ada@example.org")
    confirm(db, now, notifier, seated)
    _, waiting = register(db, now, notifier, event.id, "bob@example.org")
    confirm(db, now, notifier, waiting)
    _, first = invitation(by_kind(db, "confirmed")[0])

    moved = now + timedelta(days=9)
    changed = edit_event(
        db,
        now,
        "talk",
        starts_at=moved.isoformat(),
        ends_at=(moved + timedelta(hours=1)).isoformat(),
    )
    with db.write() as session:
        session.add(changed)
        assert notify_event_change(session=session, now=now, event=changed, notifier=notifier) == 1

    [update] = by_kind(db, "event_changed")
    method, vevent = invitation(update)
    assert update.to_address == "ada@example.org"
    assert method == "REQUEST"
    assert vevent["UID"] == first["UID"]
    assert vevent["SEQUENCE"] > first.get("SEQUENCE", 0)
    assert vevent.start == moved


def test_cancelling_the_event_tells_everyone_and_cancels_the_calendar_entry(
    db: Database, clock: FrozenClock, notifier: Notifier
) -> None:
    now = clock.now()
    event = make_event(db, now, slug="gala", capacity=1)
    _, seated = register(db, now, notifier, event.id, "ada@example.org")
    confirm(db, now, notifier, seated)
    _, waiting = register(db, now, notifier, event.id, "bob@example.org")
    confirm(db, now, notifier, waiting)

    cancelled = edit_event(db, now, "gala", status="cancelled", status_reason="Storm warning.")
    with db.write() as session:
        session.add(cancelled)
        assert (
            notify_event_change(session=session, now=now, event=cancelled, notifier=notifier) == 2
        )

    messages = {m.to_address: m for m in by_kind(db, "event_cancelled")}
    method, vevent = invitation(messages["ada@example.org"])
    assert method == "CANCEL"
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert vevent["UID"] == event.uid
    assert "Storm warning." in messages["bob@example.org"].text_body
    assert decode_attachments(messages["bob@example.org"].attachments) == []  # never had it


def test_an_attendee_who_cancels_gets_a_cancel_for_their_calendar(
    db: Database, clock: FrozenClock, notifier: Notifier
) -> None:
    now = clock.now()
    event = make_event(db, now)
    _, token = register(db, now, notifier, event.id, "ada@example.org")
    confirm(db, now, notifier, token)
    with db.write() as session:
        registration = find_registration(session=session, token=token)
        assert registration is not None
        assert registration.status == "confirmed"
        service.cancel_registration(
            session=session, now=now, registration=registration, notifier=notifier
        )

    [cancelled] = by_kind(db, "cancelled")
    method, vevent = invitation(cancelled)
    assert method == "CANCEL"
    assert vevent["UID"] == event.uid


def test_an_import_that_moves_an_event_notifies_its_attendees(
    db: Database, clock: FrozenClock, notifier: Notifier, settings: Settings, tmp_path: object
) -> None:
    now = clock.now()
    event = make_event(db, now, slug="talk")
    _, token = register(db, now, notifier, event.id, "ada@example.org")
    confirm(db, now, notifier, token)
    with db.read() as session:
        exported = export_json(session=session).decode().replace(event.venue, "Another hall")
    from pathlib import Path

    path = Path(str(tmp_path)) / "events.json"
    path.write_text(exported)

    assert run_import(settings, site_urls(settings), path, progress=False, notify=False) == 0
    assert by_kind(db, "event_changed") == []
    path.write_text(exported.replace("Another hall", "A third hall"))
    assert run_import(settings, site_urls(settings), path, progress=False) == 0
    [update] = by_kind(db, "event_changed")
    assert "A third hall" in update.text_body
