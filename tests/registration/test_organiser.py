"""What organisers do to registrations, run against the database: adding by hand, cancelling,
promoting, resending, the capacity; each with its emails and its audit entry."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from events_app.db import Database
from events_app.models import Event, Registration, User
from events_app.registration import organiser
from events_app.registration.confirmation_codes import MAX_ATTEMPTS, confirmation_code
from events_app.registration.notify import Notifier
from events_app.registration.organiser import OrganiserRefused
from events_app.registration.schemas import AttendeeDetails
from tests.factories import make_event, make_user
from tests.registration.helpers import confirm, outbox, register, statuses
from tests.support.audit import audit_entries


def seated(db: Database, now: datetime, notifier: Notifier, event: Event, *emails: str) -> None:
    for email in emails:
        _, token = register(db, now, notifier, event.id, email)  # type: ignore[arg-type]
        confirm(db, now, notifier, token)


def add(db: Database, now: datetime, notifier: Notifier, actor: User, event: Event, **values: Any):  # type: ignore[no-untyped-def]
    data = AttendeeDetails.model_validate(
        {"name": "Grace Hopper", "email": "grace@example.org"} | values
    )
    with db.write() as session:
        return organiser.add_attendee(
            session=session, now=now, actor=actor, event_id=event.id, data=data, notifier=notifier
        )


def act(db: Database, function: Any, **kwargs: Any) -> Any:
    with db.write() as session:
        return function(session=session, **kwargs)


@pytest.fixture
def actor(db: Database, now: datetime) -> User:
    return make_user(db, now, email="organiser@example.org", role="editor")


def test_adding_by_hand_confirms_while_a_seat_is_free(
    db: Database, now: datetime, notifier: Notifier, actor: User
) -> None:
    event = make_event(db, now, capacity=1)
    added = add(db, now, notifier, actor, event, organisation="Navy")
    assert (added.status, added.confirmed_at, added.holds_seat) == ("confirmed", now, False)
    [email] = outbox(db)
    assert (email.kind, email.to_address, email.registration_id) == (
        "confirmed",
        "grace@example.org",
        added.id,
    )
    assert f"/r/{notifier.token(added)}" in email.text_body  # the usual manage link
    assert "text/calendar" in email.attachments
    [entry] = [e for e in audit_entries(db) if e.action == "registration.add"]
    assert (entry.actor_id, entry.target_id, entry.before) == (actor.id, str(added.id), None)
    assert entry.after == {
        "name": "Grace Hopper", "email": "grace@example.org", "organisation": "Navy",
        "status": "confirmed",
    }  # fmt: skip


def test_adding_by_hand_to_a_full_event_joins_the_end_of_the_waitlist(
    db: Database, now: datetime, notifier: Notifier, actor: User
) -> None:
    event = make_event(db, now, capacity=1)
    seated(db, now, notifier, event, "a@example.org", "b@example.org")
    added = add(db, now + timedelta(minutes=5), notifier, actor, event)
    assert added.status == "waitlisted"
    email = outbox(db)[-1]
    assert email.kind == "waitlisted"
    assert "number 2 in line" in email.text_body


def test_an_address_already_registered_is_refused_and_nothing_is_written(
    db: Database, now: datetime, notifier: Notifier, actor: User
) -> None:
    event = make_event(db, now, capacity=5)
    seated(db, now, notifier, event, "grace@example.org")
    before = len(outbox(db))
    with pytest.raises(OrganiserRefused) as refused:
        add(db, now, notifier, actor, event, email="GRACE@example.org")
    assert refused.value.code == "already_registered"
    assert len(outbox(db)) == before
    assert len(statuses(db, event.id)) == 1  # type: ignore[arg-type]
    assert not [e for e in audit_entries(db) if e.action.startswith("registration.")]


@pytest.mark.parametrize(
    ("change", "code"),
    [({"status": "cancelled"}, "event_cancelled"), ({"starts_at": "past"}, "event_over")],
)
def test_a_cancelled_or_finished_event_takes_nobody(
    db: Database, now: datetime, notifier: Notifier, actor: User, change: dict, code: str
) -> None:
    if change.get("starts_at") == "past":
        change = {"starts_at": now - timedelta(days=2)}
    event = make_event(db, now, **change)
    with pytest.raises(OrganiserRefused) as refused:
        add(db, now, notifier, actor, event)
    assert refused.value.code == code


def test_the_registration_window_does_not_bind_the_organiser(
    db: Database, now: datetime, notifier: Notifier, actor: User
) -> None:
    event = make_event(db, now, registration_closes_at=now - timedelta(hours=1))
    assert add(db, now, notifier, actor, event).status == "confirmed"


def test_cancelling_moves_the_waitlist_up_and_twice_changes_nothing(
    db: Database, now: datetime, notifier: Notifier, actor: User
) -> None:
    event = make_event(db, now, capacity=1)
    seated(db, now, notifier, event, "a@example.org", "b@example.org")
    first = statuses(db, event.id)  # type: ignore[arg-type]
    assert first == {"a@example.org": "confirmed", "b@example.org": "waitlisted"}
    kwargs = {"now": now, "actor": actor, "event_id": event.id, "registration_id": 1}
    kwargs["notifier"] = notifier
    cancelled = act(db, organiser.cancel_for_attendee, **kwargs)
    assert cancelled.status == "cancelled"
    assert statuses(db, event.id) == {  # type: ignore[arg-type]
        "a@example.org": "cancelled",
        "b@example.org": "confirmed",
    }
    assert [m.kind for m in outbox(db)][-2:] == ["cancelled", "promoted"]
    act(db, organiser.cancel_for_attendee, **kwargs)
    assert [e.action for e in audit_entries(db) if e.action.startswith("registration")] == [
        "registration.cancel"
    ]


def test_a_registration_of_another_event_is_not_found(
    db: Database, now: datetime, notifier: Notifier, actor: User
) -> None:
    event, other = make_event(db, now), make_event(db, now)
    seated(db, now, notifier, event, "a@example.org")
    for function in (organiser.cancel_for_attendee, organiser.resend_email):
        found = act(
            db, function, now=now, actor=actor, event_id=other.id, registration_id=1,
            notifier=notifier,
        )  # fmt: skip
        assert found is None
    assert statuses(db, event.id) == {"a@example.org": "confirmed"}  # type: ignore[arg-type]


def test_promoting_when_full_needs_an_added_seat_and_the_capacity_says_so(
    db: Database, now: datetime, notifier: Notifier, actor: User
) -> None:
    event = make_event(db, now, capacity=1)
    seated(db, now, notifier, event, "a@example.org", "b@example.org", "c@example.org")
    kwargs = {"now": now, "actor": actor, "event_id": event.id, "notifier": notifier}
    with pytest.raises(OrganiserRefused) as refused:
        act(db, organiser.promote, registration_id=3, add_seat=False, **kwargs)
    assert refused.value.code == "full"
    promoted = act(db, organiser.promote, registration_id=3, add_seat=True, **kwargs)
    assert promoted.status == "confirmed"
    with db.read() as session:
        assert session.get(Event, event.id).capacity == 2  # type: ignore[union-attr]
    assert statuses(db, event.id)["b@example.org"] == "waitlisted"  # type: ignore[arg-type]
    assert outbox(db)[-1].kind == "promoted"
    [entry] = [e for e in audit_entries(db) if e.action == "registration.promote"]
    assert (entry.before["capacity"], entry.after["capacity"]) == (1, 2)  # type: ignore[index]
    with pytest.raises(OrganiserRefused) as again:
        act(db, organiser.promote, registration_id=3, add_seat=True, **kwargs)
    assert again.value.code == "not_waitlisted"


def test_resending_respects_the_cooldown_and_repeats_the_email_of_the_state(
    db: Database, now: datetime, notifier: Notifier, actor: User
) -> None:
    event = make_event(db, now, capacity=1)
    seated(db, now, notifier, event, "a@example.org", "b@example.org")
    register(db, now, notifier, event.id, "c@example.org")  # type: ignore[arg-type]
    kwargs = {"actor": actor, "event_id": event.id, "notifier": notifier}
    with pytest.raises(OrganiserRefused) as refused:
        act(db, organiser.resend_email, now=now + timedelta(minutes=3), registration_id=1, **kwargs)
    assert (refused.value.code, refused.value.retry_at) == ("cooldown", now + timedelta(minutes=10))
    later = now + timedelta(minutes=10)
    sent = [
        act(db, organiser.resend_email, now=later, registration_id=number, **kwargs)
        for number in (1, 2)
    ]
    assert [m.kind for m in outbox(db)[-2:]] == ["confirmed", "waitlisted"]
    assert "number 1 in line" in outbox(db)[-1].text_body
    assert f"/r/{notifier.token(sent[0])}" in outbox(db)[-2].text_body  # the same link
    assert [r.link_sent_at for r in sent] == [later, later]
    # The third's hold lapsed meanwhile (an hour): expired registrations have nothing to repeat.
    with pytest.raises(OrganiserRefused) as inactive:
        act(db, organiser.resend_email, now=now + timedelta(hours=2), registration_id=3, **kwargs)
    assert inactive.value.code == "not_active"
    assert len([e for e in audit_entries(db) if e.action == "registration.resend"]) == 2


def test_a_larger_capacity_seats_the_waitlist_and_is_logged(
    db: Database, now: datetime, notifier: Notifier, actor: User
) -> None:
    event = make_event(db, now, capacity=1)
    seated(db, now, notifier, event, "a@example.org", "b@example.org", "c@example.org")
    kwargs = {"now": now, "actor": actor, "event_id": event.id, "notifier": notifier}
    changed, promoted = act(db, organiser.set_capacity, capacity=2, **kwargs)
    assert (changed.capacity, promoted) == (2, 1)
    assert statuses(db, event.id)["b@example.org"] == "confirmed"  # type: ignore[arg-type]
    act(db, organiser.set_capacity, capacity=2, **kwargs)  # no change: no entry
    changed, promoted = act(db, organiser.set_capacity, capacity=None, **kwargs)
    assert (changed.capacity, promoted) == (None, 1)
    entries = [e for e in audit_entries(db) if e.action == "event.capacity"]
    assert [(e.before, e.after) for e in entries] == [
        ({"capacity": 1}, {"capacity": 2, "promoted": 1}),
        ({"capacity": 2}, {"capacity": None, "promoted": 1}),
    ]


def test_resending_a_confirmation_request_gives_a_fresh_code(
    db: Database, now: datetime, notifier: Notifier, actor: User
) -> None:
    event = make_event(db, now, capacity=2)
    first, _ = register(db, now, notifier, event.id, "c@example.org")  # type: ignore[arg-type]
    with db.write() as session:
        row = session.get(Registration, first.id)
        assert row is not None
        row.code_attempts = MAX_ATTEMPTS  # tried too often: dead
    kwargs = {"actor": actor, "event_id": event.id, "notifier": notifier}
    later = now + timedelta(minutes=10)
    sent = act(db, organiser.resend_email, now=later, registration_id=first.id, **kwargs)
    assert (sent.code_attempts, sent.code_nonce != first.code_nonce) == (0, True)
    code = confirmation_code(sent, notifier.settings.secret_key)
    assert code is not None
    assert code in outbox(db)[-1].text_body
