"""The registration rules, run directly against the database."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from events_app.db import Database
from events_app.registration import service
from events_app.registration.notify import Notifier
from events_app.registration.seats import seats_left
from tests.factories import make_event
from tests.registration.helpers import HOLD, confirm, expire_holds, outbox, register, statuses


def test_pending_holds_a_seat_and_confirming_takes_it(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now, capacity=2)
    registration, token = register(db, now, notifier, event.id, "a@example.org")
    assert registration.holds_seat
    with db.read() as session:
        assert seats_left(session=session, event=event, now=now) == 1
    assert confirm(db, now, notifier, token).status == "confirmed"
    assert [m.kind for m in outbox(db)] == ["confirm_request", "confirmed"]
    confirmed = outbox(db)[1]
    assert confirmed.to_address == "a@example.org"
    assert f"/r/{token}" in confirmed.text_body
    assert "text/calendar" in confirmed.attachments


def test_full_event_confirms_into_the_waitlist_in_confirmation_order(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now, capacity=1)
    tokens = [register(db, now, notifier, event.id, f"p{i}@example.org")[1] for i in range(3)]
    confirm(db, now, notifier, tokens[0])
    second = confirm(db, now + timedelta(minutes=2), notifier, tokens[2])
    third = confirm(db, now + timedelta(minutes=3), notifier, tokens[1])
    assert (second.status, third.status) == ("waitlisted", "waitlisted")
    waitlisted = [m for m in outbox(db) if m.kind == "waitlisted"]
    assert "number 1 in line" in waitlisted[0].text_body
    assert "number 2 in line" in waitlisted[1].text_body


def test_cancelling_promotes_the_first_in_line(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now, capacity=1)
    _first, first_token = register(db, now, notifier, event.id, "first@example.org")
    confirm(db, now, notifier, first_token)
    _, second = register(db, now, notifier, event.id, "second@example.org")
    _, third = register(db, now, notifier, event.id, "third@example.org")
    confirm(db, now + timedelta(minutes=1), notifier, second)
    confirm(db, now + timedelta(minutes=2), notifier, third)
    with db.write() as session:
        registration = service.find_by_token(session=session, token=first_token)
        assert registration is not None
        service.cancel_registration(
            session=session, now=now, registration=registration, notifier=notifier
        )
    assert statuses(db, event.id) == {
        "first@example.org": "cancelled",
        "second@example.org": "confirmed",
        "third@example.org": "waitlisted",
    }
    promoted = [m for m in outbox(db) if m.kind == "promoted"]
    assert [m.to_address for m in promoted] == ["second@example.org"]


def test_an_unconfirmed_hold_expires_and_its_seat_goes_to_the_waitlist(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now, capacity=1)
    register(db, now, notifier, event.id, "slow@example.org")
    _, quick = register(db, now, notifier, event.id, "quick@example.org")
    assert confirm(db, now, notifier, quick).status == "waitlisted"
    assert expire_holds(db, now + HOLD, notifier) == 1
    assert statuses(db, event.id) == {
        "slow@example.org": "expired",
        "quick@example.org": "confirmed",
    }
    assert {m.kind for m in outbox(db)} >= {"hold_expired", "promoted"}


def test_the_expiry_email_speaks_of_a_seat_only_to_whoever_held_one(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now, capacity=1)
    register(db, now, notifier, event.id, "holder@example.org")
    register(db, now, notifier, event.id, "too-late@example.org")  # full: no seat held
    assert expire_holds(db, now + HOLD, notifier) == 2
    emails = {m.to_address: m for m in outbox(db) if m.kind == "hold_expired"}
    holder, late = emails["holder@example.org"], emails["too-late@example.org"]
    assert holder.subject.startswith("Your held seat was released")
    assert "the seat we held for you has gone back" in holder.text_body
    assert late.subject.startswith("Your registration was not confirmed in time")
    assert "seat we held" not in late.text_body
    assert "seat we held" not in late.html_body
    assert "You can still confirm" in late.text_body


def test_a_late_confirmation_gets_a_free_seat_or_the_waitlist(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now, capacity=1)
    _, token = register(db, now, notifier, event.id, "late@example.org")
    assert confirm(db, now + HOLD + timedelta(minutes=5), notifier, token).status == "confirmed"


def test_double_clicks_send_one_email_and_keep_the_first_link(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now, capacity=5)
    first, token = register(db, now, notifier, event.id, "click@example.org")
    for seconds in range(1, 20):
        again, _ = register(
            db, now + timedelta(seconds=seconds), notifier, event.id, "click@example.org"
        )
        assert again.id == first.id
    assert [m.kind for m in outbox(db)] == ["confirm_request"]
    assert confirm(db, now, notifier, token).status == "confirmed"


def test_same_address_gets_its_link_again_not_a_second_registration(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now, capacity=5)
    first, token = register(db, now, notifier, event.id, "Same@Example.org")
    later = now + service.RESEND_COOLDOWN
    again, token_again = register(db, later, notifier, event.id, "same@example.org")
    assert again.id == first.id
    assert token_again == token  # the same link: typing an address must not revoke it
    assert [m.kind for m in outbox(db)] == ["confirm_request", "manage_link"]
    with db.read() as session:
        found = service.find_by_token(session=session, token=token)
        assert found is not None
        assert found.id == first.id


def test_a_larger_capacity_promotes_at_once(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now, capacity=0)
    _, token = register(db, now, notifier, event.id, "wait@example.org")
    assert confirm(db, now, notifier, token).status == "waitlisted"
    with db.write() as session:
        service.change_capacity(
            session=session, now=now, event_id=event.id, capacity=1, notifier=notifier
        )
    assert statuses(db, event.id) == {"wait@example.org": "confirmed"}


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"status": "cancelled"}, "cancelled"),
        ({"status": "postponed"}, "postponed"),
        ({"starts_at_days": -1}, "over"),
        ({"status": "draft"}, "not_live"),
    ],
)
def test_closed_events_take_no_registrations(
    db: Database, now: datetime, notifier: Notifier, overrides: dict[str, object], reason: str
) -> None:
    overrides = dict(overrides)
    days = overrides.pop("starts_at_days", 7)
    event = make_event(db, now, starts_at=now + timedelta(days=days), **overrides)  # type: ignore[arg-type]
    with pytest.raises(service.RegistrationClosed) as closed:
        register(db, now, notifier, event.id, "x@example.org")
    assert closed.value.reason == reason
    assert outbox(db) == []
