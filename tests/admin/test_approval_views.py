"""Approving and declining from the back office: the list's filter, the detail page's buttons."""

from __future__ import annotations

from datetime import datetime

import pytest
from starlette.testclient import TestClient

from events_app.db import Database
from events_app.models import Event, User
from events_app.registration.notify import Notifier
from tests.admin.web_helpers import post_form, sign_in
from tests.factories import make_event, make_user
from tests.registration.helpers import confirm, outbox, register, statuses
from tests.support.audit import audit_entries

BASE = "/admin/events/vetted/registrations"


@pytest.fixture
def editor(client: TestClient, db: Database, now: datetime) -> User:
    user = make_user(db, now, role="editor")
    sign_in(client, user)
    return user


@pytest.fixture
def event(db: Database, now: datetime, notifier: Notifier) -> Event:
    """Capacity 1, approval required: a@ and b@ await approval."""
    event = make_event(db, now, slug="vetted", capacity=1, approval_required=True)
    for email in ("a@example.org", "b@example.org"):
        _, token = register(db, now, notifier, event.id, email, name=email[0].upper())  # type: ignore[arg-type]
        assert confirm(db, now, notifier, token).status == "awaiting"
    return event


def act(client: TestClient, number: int, action: str, **fields: str):  # type: ignore[no-untyped-def]
    return post_form(client, f"{BASE}/{number}", f"{BASE}/{number}/{action}", **fields)


def test_the_list_counts_and_filters_those_awaiting_approval(
    client: TestClient, editor: User, event: Event
) -> None:
    page = client.get(BASE)
    assert "Awaiting approval" in page.text
    filtered = client.get(BASE, params={"status": "awaiting"})
    assert filtered.status_code == 200
    assert "a@example.org" in filtered.text
    assert "b@example.org" in filtered.text
    assert "a@example.org" not in client.get(BASE, params={"status": "confirmed"}).text


def test_approving_seats_the_first_and_waitlists_the_second(
    client: TestClient, editor: User, event: Event, db: Database
) -> None:
    page = client.get(f"{BASE}/1")
    assert "Approve" in page.text
    assert "Decline" in page.text
    response = act(client, 1, "approve")
    assert response.status_code == 303
    assert "has been approved" in client.get(response.headers["location"]).text
    assert act(client, 2, "approve").status_code == 303
    assert statuses(db, event.id) == {  # type: ignore[arg-type]
        "a@example.org": "confirmed", "b@example.org": "waitlisted",
    }  # fmt: skip
    assert [(m.kind, m.to_address) for m in outbox(db)[-2:]] == [
        ("confirmed", "a@example.org"),
        ("waitlisted", "b@example.org"),
    ]
    assert [e.action for e in audit_entries(db)][-2:] == ["registration.approve"] * 2


def test_declining_sends_the_reason_and_a_second_decision_is_refused(
    client: TestClient, editor: User, event: Event, db: Database
) -> None:
    response = act(client, 2, "decline", reason="The room is for members.")
    assert response.status_code == 303
    assert statuses(db, event.id)["b@example.org"] == "declined"  # type: ignore[arg-type]
    email = outbox(db)[-1]
    assert (email.kind, email.to_address) == ("declined", "b@example.org")
    assert "The room is for members." in email.text_body
    again = act(client, 2, "approve")
    assert again.status_code == 409
    assert "already been decided" in again.text


def test_approving_needs_the_csrf_token(
    client: TestClient, editor: User, event: Event, db: Database
) -> None:
    response = client.post(f"{BASE}/1/approve", data={})
    assert response.status_code == 403
    assert statuses(db, event.id)["a@example.org"] == "awaiting"  # type: ignore[arg-type]


def test_the_audit_log_words_the_decisions(
    client: TestClient, db: Database, now: datetime, event: Event
) -> None:
    sign_in(client, make_user(db, now, role="admin", email="admin@example.org"))
    act(client, 1, "approve")
    act(client, 2, "decline", reason="Full of members.")
    page = client.get("/admin/audit").text
    assert "Registration approved" in page
    assert "Registration declined" in page
    assert "Full of members." in page
