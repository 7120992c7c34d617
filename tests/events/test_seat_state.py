"""How full an event is, as the page colours it beside its words: full, few seats left, or
nothing to say."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from events_app.clock import FrozenClock
from events_app.db import Database
from events_app.events.templating import seat_state
from events_app.registration.notify import Notifier
from tests.factories import make_event
from tests.registration.helpers import register


@pytest.mark.parametrize(
    ("seats_left", "capacity", "state"),
    [
        (None, None, ""),  # no limit
        (0, 10, "full"),
        (-1, 10, "full"),  # capacity lowered below the seats taken
        (5, 100, "few"),
        (6, 100, ""),
        (2, 8, "few"),  # a quarter of a small event
        (3, 8, ""),
        (1, 3, ""),  # a quarter of three is no seat: a tiny event is never "few"
        (40, 40, ""),
    ],
)
def test_seat_state(seats_left: int | None, capacity: int | None, state: str) -> None:
    assert seat_state(seats_left, capacity) == state


def test_the_event_page_colours_the_seats_with_their_state(
    client: TestClient, db: Database, clock: FrozenClock, notifier: Notifier
) -> None:
    now = clock.now()
    event = make_event(db, now, slug="small", capacity=8)
    assert "<span>8 seats left</span>" in client.get("/events/small").text
    for number in range(6):
        register(db, now, notifier, event.id, f"guest{number}@example.org")
    assert '<span class="state state-few">2 seats left</span>' in client.get("/events/small").text
    for number in range(6, 8):
        register(db, now, notifier, event.id, f"guest{number}@example.org")
    page = client.get("/events/small").text
    assert '<span class="state state-full">Fully booked, 8 seats held' in page
