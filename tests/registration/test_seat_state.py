"""The one statement that reads an event's seats for pages and for the page cache's check
agrees with the counting the services do under the event's lock (seats.py), in every state a
registration can be in, and tells only moves that a page would show."""

from __future__ import annotations

from datetime import datetime, timedelta

from events_app.db import Database
from events_app.models import Event
from events_app.registration.notify import Notifier
from events_app.registration.seat_state import (
    SeatState,
    read_seat_dependencies,
    read_seat_states,
    seats_key,
)
from events_app.registration.seats import seats_held, seats_left
from tests.factories import make_event
from tests.registration.helpers import HOLD, confirm, register


def counted_by_the_services(db: Database, event_id: int, now: datetime) -> SeatState:
    with db.read() as session:
        event = session.get(Event, event_id)
        assert event is not None
        held = seats_held(session=session, event_id=event_id, now=now)
        return SeatState(
            event.capacity,
            seats_left(session=session, event=event, now=now),
            held if event.capacity is not None else 0,
        )


def read(db: Database, now: datetime, *event_ids: int) -> dict[int, SeatState]:
    with db.read() as session:
        return read_seat_states(session=session, now=now, event_ids=event_ids)


def test_agrees_with_the_services_in_every_state(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    small = make_event(db, now, slug="small", capacity=3).id
    open_ended = make_event(db, now, slug="open", capacity=None).id
    empty = make_event(db, now, slug="empty", capacity=10).id
    assert small is not None
    assert open_ended is not None
    assert empty is not None
    _, first = register(db, now, notifier, small, "a@example.org")
    confirm(db, now, notifier, first)  # confirmed
    register(db, now, notifier, small, "b@example.org")  # holding a seat
    register(db, now, notifier, small, "c@example.org")  # holding the last seat
    _, waiting = register(db, now, notifier, small, "d@example.org")  # no seat to hold
    confirm(db, now, notifier, waiting)  # waitlisted
    register(db, now, notifier, open_ended, "e@example.org")
    for moment in (now, now + HOLD + timedelta(seconds=1)):  # and after the holds lapse
        states = read(db, moment, small, open_ended, empty)
        for event_id in (small, open_ended, empty):
            assert states[event_id] == counted_by_the_services(db, event_id, moment)
    assert read(db, now, small)[small] == SeatState(3, 0, 2)
    assert read(db, now + HOLD + timedelta(seconds=1), small)[small] == SeatState(3, 2, 0)
    assert read(db, now, open_ended)[open_ended] == SeatState(None, None, 0)


def test_the_cache_reader_gives_a_token_per_key_and_none_for_a_missing_event(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    talk = make_event(db, now, slug="talk", capacity=2).id
    assert talk is not None
    keys = [seats_key(talk), seats_key(999)]
    with db.read() as session:
        before = read_seat_dependencies(session=session, now=now, keys=keys)
    assert before == {seats_key(talk): "2/2/0"}
    register(db, now, notifier, talk, "a@example.org")
    with db.read() as session:
        after = read_seat_dependencies(session=session, now=now, keys=keys)
    assert after == {seats_key(talk): "2/1/1"}
