"""Approval and guests over HTTP: the form's guests field and its errors, what the event,
"check your email" and manage pages say while a registration awaits approval."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlmodel import col
from starlette.testclient import TestClient

from events_app.db import Database
from events_app.models import Registration
from events_app.registration.notify import Notifier
from tests.factories import make_event
from tests.registration.helpers import confirm, outbox, statuses
from tests.registration.web_helpers import last_token, register_form


def _registration(db: Database, email: str) -> Registration:
    with db.read() as session:
        return session.scalars(select(Registration).where(col(Registration.email) == email)).one()


def test_the_form_asks_for_guests_only_when_the_event_takes_them(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="plain", capacity=5)
    make_event(db, now, slug="party", capacity=5, max_guests=2)
    assert 'name="guests"' not in client.get("/events/plain").text
    html = client.get("/events/party").text
    assert 'name="guests"' in html
    assert '<option value="2">' in html
    assert '<option value="3">' not in html


def test_registering_with_guests_takes_their_seats(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="party", capacity=5, max_guests=2)
    assert register_form(client, "party", guests="2").status_code == 303
    assert _registration(db, "ada@example.org").guests == 2
    assert "2 seats left" in client.get("/events/party").text


def test_too_many_guests_comes_back_with_an_error(
    client: TestClient, db: Database, now: datetime
) -> None:
    event = make_event(db, now, slug="party", capacity=5, max_guests=2)
    for bad in ("3", "-1", "two"):
        response = register_form(client, "party", guests=bad, name="Kept Name")
        assert response.status_code == 400
        assert "You can bring from 0 to 2 guests." in response.text
        assert 'value="Kept Name"' in response.text
    assert statuses(db, event.id) == {}  # type: ignore[arg-type]


def test_an_event_that_needs_approval_says_so_at_every_step(
    client: TestClient, db: Database, now: datetime, notifier: Notifier
) -> None:
    make_event(db, now, slug="vetted", capacity=5, approval_required=True)
    assert "need the approval of the organiser" in client.get("/events/vetted").text
    sent = register_form(client, "vetted")
    assert sent.status_code == 303
    check = client.get(sent.headers["location"]).text
    assert "it awaits their approval" in check
    token = last_token(db, "ada@example.org")
    assert confirm(db, now, notifier, token).status == "awaiting"
    manage = client.get(f"/r/{token}").text
    assert "Awaiting approval." in manage
    assert outbox(db)[-1].kind == "awaiting_approval"
    assert "5 seats left" in client.get("/events/vetted").text  # no seat taken
