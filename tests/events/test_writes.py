"""Event changes from the back office: the audit log, the organiser's decision about telling
confirmed attendees, capacity through the registration service, and deleting."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from events_app.db import Database
from events_app.events.writes import (
    EventRefused,
    NotifyDecisionNeeded,
    changed_data,
    create_event,
    delete_event,
    update_event,
)
from events_app.models import Event, User
from events_app.registration.notify import Notifier
from tests.factories import event_data, make_event, make_user
from tests.registration.helpers import confirm, outbox, register, statuses
from tests.support.audit import audit_entries


@pytest.fixture
def editor(db: Database, now: datetime) -> User:
    return make_user(db, now, role="editor", email="ed@example.org")


def attendees(db: Database, now: datetime, notifier: Notifier, event: Event, *emails: str) -> None:
    assert event.id is not None
    for email in emails:
        _registration, token = register(db, now, notifier, event.id, email)
        confirm(db, now, notifier, token)


def update(
    db: Database, now: datetime, notifier: Notifier, editor: User, event: Event, **changes: Any
) -> tuple[Event, int]:
    notify = changes.pop("notify", None)
    with db.write() as session:
        stored = session.get(Event, event.id)
        assert stored is not None
        data = changed_data(stored, **changes)
        done = update_event(
            session=session,
            now=now,
            actor=editor,
            event_id=stored.id,  # type: ignore[arg-type]
            data=data,
            notify=notify,
            notifier=notifier,
        )
        assert done is not None
        return done


def test_creating_writes_the_event_and_its_audit_entry(
    db: Database, now: datetime, editor: User
) -> None:
    with db.write() as session:
        event = create_event(
            session=session,
            now=now,
            actor=editor,
            data=event_data(now, slug="talk", status="draft"),
        )
    entry = audit_entries(db)[-1]
    assert (entry.action, entry.target_type, entry.target_id) == (
        "event.create",
        "event",
        str(event.id),
    )
    assert entry.before is None
    assert entry.after is not None
    assert entry.after["slug"] == "talk"
    with db.write() as session, pytest.raises(EventRefused) as refused:
        create_event(session=session, now=now, actor=editor, data=event_data(now, slug="talk"))
    assert refused.value.errors == {"slug": "taken"}


def test_a_move_with_confirmed_attendees_needs_a_decision(
    db: Database, now: datetime, notifier: Notifier, editor: User
) -> None:
    event = make_event(db, now, slug="talk")
    attendees(db, now, notifier, event, "a@example.org", "b@example.org")
    sent = len(outbox(db))
    later = {
        "starts_at": (event.starts_at + timedelta(hours=1)).isoformat(),
        "ends_at": (event.ends_at + timedelta(hours=1)).isoformat(),
    }
    with pytest.raises(NotifyDecisionNeeded) as question:
        update(db, now, notifier, editor, event, **later)
    assert question.value.count == 2
    with db.read() as session:
        assert session.get(Event, event.id).sequence == 0  # type: ignore[union-attr]
    assert len(outbox(db)) == sent

    moved, notified = update(db, now, notifier, editor, event, **later, notify=True)
    assert (moved.sequence, notified) == (1, 2)
    assert [m.kind for m in outbox(db)[sent:]] == ["event_changed", "event_changed"]
    entry = audit_entries(db)[-1]
    assert entry.action == "event.update"
    assert entry.before["starts_at"] != entry.after["starts_at"]  # type: ignore[index]
    assert entry.after["attendees_emailed"] == 2  # type: ignore[index]


def test_saving_without_telling_them_sends_nothing(
    db: Database, now: datetime, notifier: Notifier, editor: User
) -> None:
    event = make_event(db, now, slug="talk")
    attendees(db, now, notifier, event, "a@example.org")
    sent = len(outbox(db))
    moved, notified = update(db, now, notifier, editor, event, venue="Room 2", notify=False)
    assert (moved.sequence, notified, len(outbox(db))) == (1, 0, sent)


def test_a_change_attendees_do_not_see_asks_nothing(
    db: Database, now: datetime, notifier: Notifier, editor: User
) -> None:
    event = make_event(db, now, slug="talk")
    attendees(db, now, notifier, event, "a@example.org")
    saved, notified = update(db, now, notifier, editor, event, title="A better title")
    assert (saved.title, saved.sequence, notified) == ("A better title", 0, 0)


def test_cancelling_always_tells_everyone_registered(
    db: Database, now: datetime, notifier: Notifier, editor: User
) -> None:
    event = make_event(db, now, slug="talk", capacity=1)
    attendees(db, now, notifier, event, "a@example.org", "b@example.org")  # b waitlisted
    sent = len(outbox(db))
    cancelled, notified = update(db, now, notifier, editor, event, status="cancelled")
    assert notified == 2
    assert cancelled.cancelled_at == now
    assert sorted(m.to_address for m in outbox(db)[sent:]) == ["a@example.org", "b@example.org"]
    # Still cancelled: a later edit to its place is not news to them.
    _event, notified = update(
        db, now, notifier, editor, event, status="cancelled", venue="Elsewhere"
    )
    assert notified == 0


def test_a_larger_capacity_moves_the_waitlist_up_under_the_lock(
    db: Database, now: datetime, notifier: Notifier, editor: User
) -> None:
    event = make_event(db, now, slug="talk", capacity=1)
    attendees(db, now, notifier, event, "a@example.org", "b@example.org")
    assert statuses(db, event.id)["b@example.org"] == "waitlisted"  # type: ignore[arg-type]
    update(db, now, notifier, editor, event, capacity=2)
    assert statuses(db, event.id)["b@example.org"] == "confirmed"  # type: ignore[arg-type]


def test_an_event_with_registrations_is_deleted_only_once_cancelled(
    db: Database, now: datetime, notifier: Notifier, editor: User
) -> None:
    event = make_event(db, now, slug="talk")
    attendees(db, now, notifier, event, "a@example.org")
    with db.write() as session, pytest.raises(EventRefused) as refused:
        delete_event(session=session, now=now, actor=editor, event_id=event.id)  # type: ignore[arg-type]
    assert refused.value.errors == {"delete": "registrations"}
    update(db, now, notifier, editor, event, status="cancelled")
    with db.write() as session:
        assert delete_event(session=session, now=now, actor=editor, event_id=event.id)  # type: ignore[arg-type]
    with db.read() as session:
        assert session.get(Event, event.id) is None
    assert statuses(db, event.id) == {}  # type: ignore[arg-type]
    entry = audit_entries(db)[-1]
    assert (entry.action, entry.after) == ("event.delete", None)
    assert entry.before is not None
    assert entry.before["registrations"] == 1
    with db.write() as session:
        assert not delete_event(session=session, now=now, actor=editor, event_id=event.id)  # type: ignore[arg-type]


def test_creating_and_changing_store_the_rendered_description(
    db: Database, now: datetime, editor: User, notifier: Notifier
) -> None:
    with db.write() as session:
        event = create_event(
            session=session,
            now=now,
            actor=editor,
            data=event_data(now, slug="talk", description="## Agenda\n\n[Map](https://m.example)"),
        )
        assert event.description_html == (
            '<h2>Agenda</h2>\n<p><a href="https://m.example" rel="noopener noreferrer nofollow">'
            "Map</a></p>\n"
        )
        assert event.description_text == "Agenda Map"
    changed, _ = update(db, now, notifier, editor, event, description="*Moved* online.")
    assert (changed.description_html, changed.description_text) == (
        "<p><em>Moved</em> online.</p>\n",
        "Moved online.",
    )
