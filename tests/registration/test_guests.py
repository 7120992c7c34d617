"""Guests: a party takes 1 + guests seats, is seated or waitlisted whole, and in strict order."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from events_app.db import Database
from events_app.models import Registration
from events_app.registration import approval, service
from events_app.registration.notify import Notifier
from events_app.registration.schemas import RegistrationCreate
from events_app.registration.seat_state import read_seat_state
from events_app.registration.seats import seats_left
from tests.factories import make_event, make_user
from tests.registration.helpers import HOLD, confirm, outbox, statuses


def _register(
    db: Database, now: datetime, notifier: Notifier, event_id: int, email: str, guests: int
) -> tuple[Registration, str]:
    data = RegistrationCreate(name="Guest Host", email=email, consent=True, guests=guests)
    with db.write() as session:
        outcome = service.register_attendee(
            session=session, now=now, event_id=event_id, data=data, notifier=notifier, hold=HOLD
        )
        return outcome.registration, notifier.token(outcome.registration)


def _join(db: Database, now: datetime, notifier: Notifier, event_id: int, email: str,
          guests: int) -> Registration:  # fmt: skip
    return confirm(db, now, notifier, _register(db, now, notifier, event_id, email, guests)[1])


def _cancel(db: Database, now: datetime, notifier: Notifier, registration_id: int) -> None:
    with db.write() as session:
        registration = session.get(Registration, registration_id)
        assert registration is not None
        service.cancel_registration(
            session=session, now=now, registration=registration, notifier=notifier
        )


def test_guests_count_against_capacity(db: Database, now: datetime, notifier: Notifier) -> None:
    event = make_event(db, now, capacity=10, max_guests=3)
    held, _ = _register(db, now, notifier, event.id, "held@example.org", 2)
    assert held.holds_seat
    _join(db, now, notifier, event.id, "seated@example.org", 3)
    seated = next(m for m in outbox(db) if m.kind == "confirmed")
    assert "Your party: you and 3 guests, seated together." in seated.text_body
    assert "you and 3 guests" in seated.html_body
    with db.read() as session:
        assert seats_left(session=session, event=event, now=now) == 3
        state = read_seat_state(session=session, now=now, event_id=event.id)
    assert (state.left, state.held) == (3, 3)


def test_a_party_is_never_split(db: Database, now: datetime, notifier: Notifier) -> None:
    event = make_event(db, now, capacity=3, max_guests=2)
    _join(db, now, notifier, event.id, "one@example.org", 0)
    party, _ = _register(db, now, notifier, event.id, "three@example.org", 2)
    assert not party.holds_seat  # two seats free, a party of three
    assert confirm(db, now, notifier, notifier.token(party)).status == "waitlisted"
    with db.read() as session:
        assert seats_left(session=session, event=event, now=now) == 2


def test_the_waitlist_is_strictly_in_order(db: Database, now: datetime, notifier: Notifier) -> None:
    """The first in line waits until their party fits; a smaller party behind them waits too
    (and a newcomer joins the line rather than taking the seats they wait for)."""
    event = make_event(db, now, capacity=4, max_guests=3)
    big = _join(db, now, notifier, event.id, "big@example.org", 3)
    assert big.status == "confirmed"
    party = _join(db, now + timedelta(minutes=1), notifier, event.id, "party@example.org", 2)
    single = _join(db, now + timedelta(minutes=2), notifier, event.id, "single@example.org", 0)
    assert (party.status, single.status) == ("waitlisted", "waitlisted")
    _cancel(db, now, notifier, big.id)  # type: ignore[arg-type]
    # Four seats free: the party of three first, then the single: both fit.
    assert statuses(db, event.id) == {
        "big@example.org": "cancelled",
        "party@example.org": "confirmed",
        "single@example.org": "confirmed",
    }


def test_promotion_stops_at_a_party_that_does_not_fit(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now, capacity=3, max_guests=2)
    a = _join(db, now, notifier, event.id, "a@example.org", 0)
    _join(db, now, notifier, event.id, "b@example.org", 1)
    trio = _join(db, now + timedelta(minutes=1), notifier, event.id, "trio@example.org", 2)
    solo = _join(db, now + timedelta(minutes=2), notifier, event.id, "solo@example.org", 0)
    assert (trio.status, solo.status) == ("waitlisted", "waitlisted")
    _cancel(db, now, notifier, a.id)  # type: ignore[arg-type]
    # One seat free: the party of three waits, and the single behind them waits too.
    assert statuses(db, event.id)["trio@example.org"] == "waitlisted"
    assert statuses(db, event.id)["solo@example.org"] == "waitlisted"
    late = _join(db, now + timedelta(minutes=3), notifier, event.id, "late@example.org", 0)
    assert late.status == "waitlisted"  # no overtaking the line either


def test_cancelling_frees_the_whole_group(db: Database, now: datetime, notifier: Notifier) -> None:
    event = make_event(db, now, capacity=3, max_guests=2)
    group = _join(db, now, notifier, event.id, "group@example.org", 2)
    with db.read() as session:
        assert seats_left(session=session, event=event, now=now) == 0
    _cancel(db, now, notifier, group.id)  # type: ignore[arg-type]
    with db.read() as session:
        assert seats_left(session=session, event=event, now=now) == 3
    assert "cancelled" in [m.kind for m in outbox(db)]


def test_more_guests_than_the_event_allows_are_refused(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now, capacity=10, max_guests=1)
    with pytest.raises(service.TooManyGuests):
        _register(db, now, notifier, event.id, "many@example.org", 2)
    assert statuses(db, event.id) == {}


def test_approval_seats_a_party_only_when_it_fits(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    user = make_user(db, now)
    event = make_event(db, now, capacity=2, max_guests=2, approval_required=True)
    party = _join(db, now, notifier, event.id, "p@example.org", 2)
    assert party.status == "awaiting"
    with db.write() as session:
        approved = approval.approve(
            session=session, now=now, actor=user, event_id=event.id,
            registration_id=party.id, notifier=notifier,
        )  # fmt: skip
        assert approved is not None
        assert approved.status == "waitlisted"
