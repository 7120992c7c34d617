"""One registration's page over HTTP, as an editor: cancel, promote, resend, and each refusal
said on the page."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from starlette.testclient import TestClient

from events_app.clock import FrozenClock
from events_app.db import Database
from events_app.models import Event, User
from events_app.registration.notify import Notifier
from tests.admin.web_helpers import post_form, sign_in
from tests.factories import make_event, make_user
from tests.registration.helpers import confirm, outbox, register, statuses
from tests.support.audit import audit_entries

BASE = "/admin/events/talk/registrations"


@pytest.fixture
def editor(client: TestClient, db: Database, now: datetime) -> User:
    user = make_user(db, now, role="editor")
    sign_in(client, user)
    return user


@pytest.fixture
def event(db: Database, now: datetime, notifier: Notifier) -> Event:
    """Capacity 1: a@ has the seat, b@ and c@ are first and second on the waitlist."""
    event = make_event(db, now, slug="talk", capacity=1)
    for email in ("a@example.org", "b@example.org", "c@example.org"):
        _, token = register(db, now, notifier, event.id, email, name=email[0].upper())  # type: ignore[arg-type]
        confirm(db, now, notifier, token)
    return event


def act(client: TestClient, number: int, action: str, **fields: str):  # type: ignore[no-untyped-def]
    return post_form(client, f"{BASE}/{number}", f"{BASE}/{number}/{action}", **fields)


def test_the_page_shows_the_registration_and_what_can_be_done(
    client: TestClient, editor: User, event: Event
) -> None:
    page = client.get(f"{BASE}/2")
    assert page.status_code == 200
    assert "b@example.org" in page.text
    assert "number 1 in line" in page.text
    assert "Give them a seat" in page.text
    assert "Cancel the registration" in page.text
    assert "it can be sent again from" in page.text  # the email went out moments ago


@pytest.mark.parametrize(
    "path", [f"{BASE}/99", f"{BASE}/{2**40}", "/admin/events/nope/registrations/1"]
)
def test_unknown_registrations_are_404(
    client: TestClient, editor: User, event: Event, path: str
) -> None:
    assert client.get(path).status_code == 404


def test_a_registration_of_another_event_is_404_and_untouched(
    client: TestClient, editor: User, event: Event, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="other")
    page = "/admin/events/other/registrations"
    response = post_form(client, page, "/admin/events/other/registrations/1/cancel")
    assert response.status_code == 404
    assert statuses(db, event.id)["a@example.org"] == "confirmed"  # type: ignore[arg-type]


def test_cancelling_tells_the_attendee_and_seats_the_next(
    client: TestClient, editor: User, event: Event, db: Database
) -> None:
    response = act(client, 1, "cancel")
    assert response.status_code == 303
    assert "The registration has been cancelled" in client.get(response.headers["location"]).text
    assert statuses(db, event.id) == {  # type: ignore[arg-type]
        "a@example.org": "cancelled", "b@example.org": "confirmed", "c@example.org": "waitlisted",
    }  # fmt: skip
    assert [(m.kind, m.to_address) for m in outbox(db)[-2:]] == [
        ("cancelled", "a@example.org"),
        ("promoted", "b@example.org"),
    ]
    assert [e.action for e in audit_entries(db)][-1] == "registration.cancel"


def test_promoting_when_full_needs_the_box_ticked(
    client: TestClient, editor: User, event: Event, db: Database
) -> None:
    refused = act(client, 3, "promote")
    assert refused.status_code == 409
    assert "The event is full." in refused.text
    assert statuses(db, event.id)["c@example.org"] == "waitlisted"  # type: ignore[arg-type]
    response = act(client, 3, "promote", add_seat="yes")
    assert response.status_code == 303
    assert statuses(db, event.id)["c@example.org"] == "confirmed"  # type: ignore[arg-type]
    assert statuses(db, event.id)["b@example.org"] == "waitlisted"  # type: ignore[arg-type]
    with db.read() as session:
        assert session.get(Event, event.id).capacity == 2  # type: ignore[union-attr]
    assert outbox(db)[-1].kind == "promoted"
    again = act(client, 3, "promote", add_seat="yes")
    assert again.status_code == 409
    assert "no longer on the waitlist" in again.text


def test_resending_waits_for_the_cooldown_then_sends_the_email_of_the_state(
    client: TestClient, editor: User, event: Event, db: Database, clock: FrozenClock
) -> None:
    sent = len(outbox(db))
    too_soon = act(client, 1, "resend")
    assert too_soon.status_code == 409
    assert "can be sent again from Tue 1 Dec 2026, 09:10 UTC" in too_soon.text
    assert len(outbox(db)) == sent
    clock.advance(timedelta(minutes=10))
    response = act(client, 1, "resend")
    assert response.status_code == 303
    assert (outbox(db)[-1].kind, outbox(db)[-1].to_address) == ("confirmed", "a@example.org")
    assert "The email has been sent again." in client.get(response.headers["location"]).text
    assert [e.action for e in audit_entries(db)][-1] == "registration.resend"


def test_a_cancelled_registration_offers_no_actions_and_refuses_them(
    client: TestClient, editor: User, event: Event, db: Database, clock: FrozenClock
) -> None:
    act(client, 1, "cancel")
    page = client.get(f"{BASE}/1").text
    assert "Send again" not in page
    assert "Cancel the registration</button>" not in page
    clock.advance(timedelta(minutes=30))
    refused = act(client, 1, "resend")
    assert refused.status_code == 409
    assert "has no email to send again" in refused.text
    assert act(client, 1, "cancel").status_code == 303  # cancelling twice changes nothing
    assert [e.action for e in audit_entries(db)].count("registration.cancel") == 1


def test_an_admin_may_do_it_too(
    client: TestClient, event: Event, db: Database, now: datetime
) -> None:
    sign_in(client, make_user(db, now, role="admin"))
    assert act(client, 1, "cancel").status_code == 303
