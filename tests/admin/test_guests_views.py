"""Guests in the back office: the check-in page shows a party with its guests and counts it
whole; the dashboard counts seats, guests included."""

from __future__ import annotations

from datetime import datetime

from starlette.testclient import TestClient

from events_app.admin.dashboard import upcoming_fill
from events_app.db import Database
from events_app.registration import service
from events_app.registration.checkin_codes import format_code
from events_app.registration.notify import Notifier
from events_app.registration.schemas import RegistrationCreate
from tests.admin.web_helpers import post_form, sign_in
from tests.factories import make_event, make_user
from tests.registration.helpers import HOLD, confirm

PAGE = "/admin/events/party/checkin"


def test_guests_are_shown_and_counted_at_the_door(
    client: TestClient, db: Database, now: datetime, notifier: Notifier
) -> None:
    sign_in(client, make_user(db, now, role="editor"))
    event = make_event(db, now, slug="party", capacity=10, max_guests=3)
    data = RegistrationCreate(name="Ada Lovelace", email="ada@example.org", consent=True, guests=2)
    with db.write() as session:
        outcome = service.register_attendee(
            session=session, now=now, event_id=event.id, data=data, notifier=notifier,  # type: ignore[arg-type]
            hold=HOLD,
        )  # fmt: skip
        token = notifier.token(outcome.registration)
    ada = confirm(db, now, notifier, token)
    page = client.get(PAGE).text
    assert "+2 guests" in page
    assert "0 of 3 checked in" in page
    listed = client.get("/admin/events/party/registrations").text
    assert "+2 guests" in listed
    assert "7 of 10" in listed  # seats left, guests counted
    detail = client.get(f"/admin/events/party/registrations/{ada.id}").text
    assert "<dt>Guests</dt><dd>2</dd>" in detail
    checked = post_form(client, PAGE, PAGE, code=format_code(ada.checkin_code)).text
    assert "Checked in: Ada Lovelace +2 guests" in " ".join(
        checked.replace("<strong>", "")
        .replace("</strong>", "")
        .replace('<span class="door-guests">', "")
        .replace("</span>", "")
        .split()
    )
    assert "3 of 3 checked in" in checked


def test_the_dashboard_counts_guests_as_seats_taken(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now, slug="party", capacity=10, max_guests=3)
    data = RegistrationCreate(name="Ada Lovelace", email="ada@example.org", consent=True, guests=3)
    with db.write() as session:
        outcome = service.register_attendee(
            session=session, now=now, event_id=event.id, data=data, notifier=notifier,  # type: ignore[arg-type]
            hold=HOLD,
        )  # fmt: skip
        token = notifier.token(outcome.registration)
    confirm(db, now, notifier, token)
    with db.read() as session:
        [fill] = upcoming_fill(session=session, now=now)
    assert (fill.seated, fill.capacity, fill.percent) == (4, 10, 40)
