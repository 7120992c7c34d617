"""Events that need approval: awaiting, approved into a seat or the waitlist, declined."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlmodel import col

from events_app.config import Settings
from events_app.db import Database
from events_app.models import AuditEntry, Event, EventStatus, Registration, User
from events_app.registration import approval, organiser
from events_app.registration.event_changes import notify_event_change
from events_app.registration.notify import Notifier
from events_app.registration.seats import seats_left
from tests.factories import make_event, make_user
from tests.registration.helpers import HOLD, confirm, expire_holds, outbox, register, statuses


def _awaiting(db: Database, now: datetime, notifier: Notifier, event_id: int, email: str) -> int:
    registration, token = register(db, now, notifier, event_id, email)
    assert not registration.holds_seat  # waiting for approval holds no seat
    confirmed = confirm(db, now, notifier, token)
    assert confirmed.status == "awaiting"
    assert confirmed.id is not None
    return confirmed.id


def _decide(db: Database, now: datetime, notifier: Notifier, action, user: User, event_id: int,
            registration_id: int, **extra) -> Registration | None:  # type: ignore[no-untyped-def]  # fmt: skip
    with db.write() as session:
        return action(
            session=session, now=now, actor=user, event_id=event_id,
            registration_id=registration_id, notifier=notifier, **extra,
        )  # fmt: skip


def test_awaiting_approval_holds_no_seat_and_is_not_on_the_waitlist(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now, capacity=1, approval_required=True)
    _awaiting(db, now, notifier, event.id, "a@example.org")
    _awaiting(db, now, notifier, event.id, "b@example.org")
    with db.read() as session:
        assert seats_left(session=session, event=event, now=now) == 1
    kinds = [m.kind for m in outbox(db)]
    assert kinds.count("awaiting_approval") == 2
    assert "waitlisted" not in kinds
    assert "confirmed" not in kinds
    request = outbox(db)[0]
    assert "the organiser reviews your registration" in request.text_body


def test_approval_gives_a_seat_then_the_waitlist(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    user = make_user(db, now)
    event = make_event(db, now, capacity=1, approval_required=True)
    first = _awaiting(db, now, notifier, event.id, "first@example.org")
    second = _awaiting(db, now, notifier, event.id, "second@example.org")
    later = now + timedelta(minutes=5)
    assert _decide(db, later, notifier, approval.approve, user, event.id, second).status == (  # type: ignore[union-attr]
        "confirmed"
    )
    assert _decide(db, later, notifier, approval.approve, user, event.id, first).status == (  # type: ignore[union-attr]
        "waitlisted"
    )
    messages = outbox(db)
    assert [m.to_address for m in messages if m.kind == "confirmed"] == ["second@example.org"]
    waitlisted = [m for m in messages if m.kind == "waitlisted"]
    assert waitlisted[0].to_address == "first@example.org"
    assert "number 1 in line" in waitlisted[0].text_body
    with db.read() as session:
        actions = list(session.scalars(select(col(AuditEntry.action))).all())
    assert actions.count("registration.approve") == 2


def test_decline_with_a_reason(db: Database, now: datetime, notifier: Notifier) -> None:
    user = make_user(db, now)
    event = make_event(db, now, capacity=5, approval_required=True)
    registration_id = _awaiting(db, now, notifier, event.id, "no@example.org")
    declined = _decide(
        db, now, notifier, approval.decline, user, event.id, registration_id,
        reason="Members only, sorry.",
    )  # fmt: skip
    assert declined is not None
    assert declined.status == "declined"
    email = next(m for m in outbox(db) if m.kind == "declined")
    assert "Members only, sorry." in email.text_body
    assert "text/calendar" not in email.attachments
    with db.read() as session:
        entry = session.scalars(
            select(AuditEntry).where(col(AuditEntry.action) == "registration.decline")
        ).one()
    assert entry.after is not None
    assert entry.before is not None
    assert entry.after["reason"] == "Members only, sorry."
    assert entry.before["status"] == "awaiting"
    # Declined is not active: the address may register again (and wait again).
    register(db, now, notifier, event.id, "no@example.org")


def test_a_decided_registration_cannot_be_decided_again(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    user = make_user(db, now)
    event = make_event(db, now, approval_required=True)
    registration_id = _awaiting(db, now, notifier, event.id, "once@example.org")
    _decide(db, now, notifier, approval.approve, user, event.id, registration_id)
    for action in (approval.approve, approval.decline):
        with pytest.raises(organiser.OrganiserRefused, match="not_awaiting"):
            _decide(db, now, notifier, action, user, event.id, registration_id)
    assert statuses(db, event.id) == {"once@example.org": "confirmed"}


def test_an_awaiting_registration_gets_its_email_again(
    db: Database, now: datetime, notifier: Notifier, settings: Settings
) -> None:
    user = make_user(db, now)
    event = make_event(db, now, approval_required=True)
    registration_id = _awaiting(db, now, notifier, event.id, "again@example.org")
    with db.write() as session:
        organiser.resend_email(
            session=session, now=now + timedelta(hours=1), actor=user, event_id=event.id,
            registration_id=registration_id, notifier=notifier,
        )  # fmt: skip
    assert [m.kind for m in outbox(db)].count("awaiting_approval") == 2


def test_a_cancelled_event_tells_those_awaiting_approval(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now, approval_required=True)
    _awaiting(db, now, notifier, event.id, "waiting@example.org")
    with db.write() as session:
        stored = session.get(Event, event.id)
        assert stored is not None
        stored.status = EventStatus.cancelled
        assert notify_event_change(session=session, now=now, event=stored, notifier=notifier) == 1
    email = outbox(db)[-1]
    assert (email.kind, email.to_address) == ("event_cancelled", "waiting@example.org")
    assert "text/calendar" not in email.attachments


def test_an_unconfirmed_registration_expires_without_a_word_about_a_seat(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now, approval_required=True)
    register(db, now, notifier, event.id, "late@example.org")
    assert expire_holds(db, now + HOLD, notifier) == 1
    email = outbox(db)[-1]
    assert email.kind == "hold_expired"
    assert "it then awaits the approval of the organiser." in email.text_body
    assert "seat" not in email.text_body.split("--")[0]
    assert "\n--\n" in email.text_body  # the footer still on its own lines
