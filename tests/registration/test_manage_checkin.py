"""The attendee's page shows their check-in code, with its QR code as inline SVG (nothing is
fetched from elsewhere), while the registration has a seat, and only then."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import update
from sqlmodel import col
from starlette.testclient import TestClient

from events_app.db import Database
from events_app.models import Registration, RegistrationStatus
from events_app.registration import service
from events_app.registration.checkin_codes import format_code
from events_app.registration.notify import Notifier
from tests.factories import make_event
from tests.registration.helpers import confirm, register


def set_status(
    db: Database, now: datetime, registration_id: int, status: RegistrationStatus
) -> None:
    with db.write() as session:
        session.execute(
            update(Registration)
            .where(col(Registration.id) == registration_id)
            .values(status=status, confirmed_at=now)
        )


def test_a_confirmed_seat_shows_the_code_and_its_qr_inline(
    client: TestClient, db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now, capacity=5)
    registration, token = register(db, now, notifier, event.id, "ada@example.org")
    confirm(db, now, notifier, token)
    response = client.get(f"/r/{token}")
    page = response.text
    assert response.status_code == 200
    assert page.count('<svg aria-hidden="true" focusable="false"') == 1
    assert 'class="qr-code"' in page
    assert (
        f'<p class="checkin-code" translate="no">{format_code(registration.checkin_code)}</p>'
        in page
    )
    assert "at the entrance" in page
    assert "style=" not in page  # the CSP refuses style attributes; the QR carries none
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert "data:" not in page


def test_an_attended_registration_still_shows_its_code(
    client: TestClient, db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now, capacity=5)
    registration, token = register(db, now, notifier, event.id, "ada@example.org")
    confirm(db, now, notifier, token)
    set_status(db, now, registration.id, RegistrationStatus.attended)  # type: ignore[arg-type]
    page = client.get(f"/r/{token}").text
    assert format_code(registration.checkin_code) in page
    assert 'class="qr-code"' in page
    assert "at the entrance" not in page


@pytest.mark.parametrize(
    "status",
    [
        RegistrationStatus.pending,
        RegistrationStatus.waitlisted,
        RegistrationStatus.cancelled,
        RegistrationStatus.expired,
    ],
)
def test_without_a_seat_there_is_no_code_to_show(
    status: RegistrationStatus,
    client: TestClient,
    db: Database,
    now: datetime,
    notifier: Notifier,
) -> None:
    event = make_event(db, now, capacity=5)
    registration, token = register(db, now, notifier, event.id, "ada@example.org")
    set_status(db, now, registration.id, status)  # type: ignore[arg-type]
    page = client.get(f"/r/{token}").text
    assert "Your registration" in page
    assert format_code(registration.checkin_code) not in page
    assert "qr-code" not in page
    assert "Your check-in code" not in page


def test_a_cancelled_seat_loses_its_code_on_the_page(
    client: TestClient, db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now, capacity=5)
    registration, token = register(db, now, notifier, event.id, "ada@example.org")
    confirm(db, now, notifier, token)
    assert format_code(registration.checkin_code) in client.get(f"/r/{token}").text
    with db.write() as session:
        found = service.find_by_token(session=session, token=token)
        assert found is not None
        service.cancel_registration(session=session, now=now, registration=found, notifier=notifier)
    assert format_code(registration.checkin_code) not in client.get(f"/r/{token}").text
