"""The API's side of approval and guests: the event says both, a registration takes `guests`
(checked against the event, problem details otherwise), and seats left count them."""

from __future__ import annotations

from datetime import datetime

from starlette.testclient import TestClient

from events_app.db import Database
from tests.factories import make_event
from tests.registration.helpers import statuses

ADA = {"name": "Ada Lovelace", "email": "ada@example.org", "consent": True}


def post(client: TestClient, slug: str, body: dict[str, object]):  # type: ignore[no-untyped-def]
    return client.post(f"/api/v1/events/{slug}/registrations", json=body)


def test_the_event_says_whether_it_needs_approval_and_takes_guests(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="vetted", capacity=10, approval_required=True, max_guests=3)
    registration = client.get("/api/v1/events/vetted").json()["registration"]
    assert (registration["approval_required"], registration["max_guests"]) == (True, 3)


def test_guests_take_seats(client: TestClient, db: Database, now: datetime) -> None:
    event = make_event(db, now, slug="party", capacity=10, max_guests=3)
    assert post(client, "party", {**ADA, "guests": 3}).status_code == 202
    assert statuses(db, event.id) == {"ada@example.org": "pending"}  # type: ignore[arg-type]
    assert client.get("/api/v1/events/party").json()["registration"]["seats_left"] == 6


def test_too_many_guests_is_a_problem_and_nothing_is_written(
    client: TestClient, db: Database, now: datetime
) -> None:
    event = make_event(db, now, slug="party", capacity=10, max_guests=1)
    for guests in (2, 21, -1):
        response = post(client, "party", {**ADA, "guests": guests})
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        errors = response.json()["errors"]
        assert [(e["pointer"], e["code"]) for e in errors] == [("#/guests", "out_of_range")]
    assert post(client, "party", {**ADA, "guests": "1"}).status_code == 422  # strict JSON
    assert statuses(db, event.id) == {}  # type: ignore[arg-type]
