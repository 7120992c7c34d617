"""The online link goes only to a registration holding a confirmed seat: never to a pending,
waitlisted or cancelled one, in calendar files, the attendee feed or emails. The email that
gives a waitlisted person their seat carries it."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import datetime

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from events_app.db import Database
from events_app.models import Event, EventStatus, OutboxMessage
from events_app.registration import service
from events_app.registration.notify import Notifier
from tests.factories import make_event
from tests.registration.helpers import HOLD, confirm, expire_holds, outbox, register
from tests.registration.web_helpers import https_client

LINK = "https://meet.example.org/secret-room"


@pytest.fixture
def client(app: Starlette) -> Iterator[TestClient]:
    with https_client(app) as test_client:
        yield test_client


def mail_to(db: Database, address: str) -> list[OutboxMessage]:
    return [message for message in outbox(db) if message.to_address == address]


def everything_in(message: OutboxMessage) -> str:
    """Subject, both bodies and every attachment (the calendar invitation), unfolded."""
    files = [base64.b64decode(a["content"]) for a in json.loads(message.attachments)]
    ics = [body.decode("utf-8", "replace").replace("\r\n ", "") for body in files]
    return "\n".join([message.subject, message.text_body, message.html_body, *ics])


def sees_link(client: TestClient, db: Database, token: str, address: str) -> dict[str, bool]:
    files = {path: client.get(f"/r/{token}/{path}") for path in ("event.ics", "calendar.ics")}
    assert all(response.status_code == 200 for response in files.values())
    seen = {path: LINK in response.text for path, response in files.items()}
    seen["manage page"] = LINK in client.get(f"/r/{token}").text
    seen["emails"] = any(LINK in everything_in(m) for m in mail_to(db, address))
    return seen


NOWHERE = {"event.ics": False, "calendar.ics": False, "manage page": False, "emails": False}


def test_only_a_confirmed_seat_sees_the_online_link(
    client: TestClient, db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now, format="online", venue="", online_url=LINK, capacity=1)
    assert event.id is not None
    _seated, seated_token = register(db, now, notifier, event.id, "seated@example.org")
    confirm(db, now, notifier, seated_token)
    _pending, pending_token = register(db, now, notifier, event.id, "pending@example.org")
    _waiting, waiting_token = register(db, now, notifier, event.id, "waiting@example.org")
    assert confirm(db, now, notifier, waiting_token).status == "waitlisted"
    gone, gone_token = register(db, now, notifier, event.id, "gone@example.org")
    with db.write() as session:
        service.cancel_registration(
            session=session, now=now, registration=session.merge(gone), notifier=notifier
        )

    assert sees_link(client, db, pending_token, "pending@example.org") == NOWHERE
    assert sees_link(client, db, waiting_token, "waiting@example.org") == NOWHERE
    assert sees_link(client, db, gone_token, "gone@example.org") == NOWHERE
    seated = sees_link(client, db, seated_token, "seated@example.org")
    assert seated["event.ics"]
    assert seated["calendar.ics"]
    assert seated["emails"]
    assert seated["manage page"]


@pytest.mark.parametrize("event_format", ["online", "hybrid"])
def test_the_attendee_page_gives_a_seat_the_join_link(
    client: TestClient, db: Database, now: datetime, notifier: Notifier, event_format: str
) -> None:
    event = make_event(db, now, format=event_format, online_url=LINK, capacity=5)
    assert event.id is not None
    _registration, token = register(db, now, notifier, event.id, "ada@example.org")
    assert LINK not in client.get(f"/r/{token}").text  # pending: not yet
    confirm(db, now, notifier, token)
    page = client.get(f"/r/{token}")
    assert page.headers["cache-control"] == "no-store"
    assert "Join online" in page.text
    assert f'<a href="{LINK}" rel="noopener noreferrer">{LINK}</a>' in page.text


def test_an_expired_hold_is_not_shown_the_join_link(
    client: TestClient, db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now, format="hybrid", online_url=LINK, capacity=5)
    assert event.id is not None
    _registration, token = register(db, now, notifier, event.id, "late@example.org")
    assert expire_holds(db, now + HOLD, notifier) == 1
    page = client.get(f"/r/{token}")
    assert "Not confirmed in time." in page.text
    assert LINK not in page.text


def test_an_in_person_event_keeps_a_stored_link_to_itself(
    client: TestClient, db: Database, now: datetime, notifier: Notifier
) -> None:
    """A link left in an in-person event's record (say, from when it was hybrid) is not for
    attendees: neither the page nor the email of a seat shows it."""
    event = make_event(db, now, format="in_person", online_url=LINK, capacity=5)
    assert event.id is not None
    _registration, token = register(db, now, notifier, event.id, "ada@example.org")
    confirm(db, now, notifier, token)
    assert LINK not in client.get(f"/r/{token}").text
    [confirmed] = [m for m in mail_to(db, "ada@example.org") if m.kind == "confirmed"]
    assert LINK not in confirmed.text_body
    assert LINK not in confirmed.html_body


def test_the_email_that_gives_a_waitlisted_person_a_seat_carries_the_link(
    client: TestClient, db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now, format="online", venue="", online_url=LINK, capacity=1)
    assert event.id is not None
    seated, seated_token = register(db, now, notifier, event.id, "seated@example.org")
    confirm(db, now, notifier, seated_token)
    _waiting, waiting_token = register(db, now, notifier, event.id, "waiting@example.org")
    confirm(db, now, notifier, waiting_token)
    assert not any(LINK in everything_in(m) for m in mail_to(db, "waiting@example.org"))

    with db.write() as session:
        service.cancel_registration(
            session=session, now=now, registration=session.merge(seated), notifier=notifier
        )

    promoted = [m for m in mail_to(db, "waiting@example.org") if m.kind == "promoted"]
    assert len(promoted) == 1
    assert LINK in promoted[0].text_body
    assert LINK in promoted[0].html_body
    invitation = base64.b64decode(json.loads(promoted[0].attachments)[-1]["content"])
    assert LINK in invitation.decode().replace("\r\n ", "")
    assert sees_link(client, db, waiting_token, "waiting@example.org")["event.ics"]
    # The cancelled attendee's CANCEL invitation does not carry it any more.
    cancelled = [m for m in mail_to(db, "seated@example.org") if m.kind == "cancelled"]
    assert cancelled
    assert LINK not in everything_in(cancelled[0])


def test_a_cancelled_event_shows_no_join_link_and_no_check_in_code(
    client: TestClient, db: Database, now: datetime, notifier: Notifier
) -> None:
    """Its registrations stay confirmed (they are history), but there is no door to check in
    at and no meeting to join."""
    event = make_event(db, now, format="hybrid", online_url=LINK, capacity=5)
    assert event.id is not None
    _registration, token = register(db, now, notifier, event.id, "ada@example.org")
    confirm(db, now, notifier, token)
    assert "Your check-in code" in client.get(f"/r/{token}").text
    with db.write() as session:
        stored = session.get(Event, event.id)
        assert stored is not None
        stored.status = EventStatus.cancelled
    page = client.get(f"/r/{token}").text
    assert LINK not in page
    assert "Your check-in code" not in page
