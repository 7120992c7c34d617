"""The printable ticket under the attendee's token: only for a confirmed seat, with the
event, its time in the event's zone, the place, the attendee's name and the check-in code as
text and as a QR image from its own address; never stored, like every page under the token."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from events_app.db import Database
from events_app.events.present import format_event_when
from events_app.models import Event
from events_app.registration import service
from events_app.registration.checkin_codes import format_code
from events_app.registration.notify import Notifier
from events_app.registration.qr import qr_png
from tests.factories import edit_event, make_event
from tests.registration.helpers import HOLD, confirm, expire_holds, register
from tests.registration.web_helpers import https_client

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def client(app: Starlette) -> Iterator[TestClient]:
    with https_client(app) as test_client:
        yield test_client


@pytest.fixture
def event(db: Database, now: datetime) -> Event:
    return make_event(
        db, now, title="Quantum Links", timezone="Asia/Shanghai",
        venue="Zhongguancun Forum", address="1 Science Road, Beijing", capacity=1,
    )  # fmt: skip


def assert_never_stored(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    assert headers["cache-control"] == "no-store"
    assert headers["referrer-policy"] == "no-referrer"


def test_a_confirmed_seat_has_a_printable_ticket(
    client: TestClient, db: Database, now: datetime, notifier: Notifier, event: Event
) -> None:
    assert event.id is not None
    _registration, token = register(db, now, notifier, event.id, "ada@example.org", "Ada L.")
    seated = confirm(db, now, notifier, token)
    manage = client.get(f"/r/{token}")
    assert f'href="/r/{token}/ticket"' in manage.text

    page = client.get(f"/r/{token}/ticket")
    assert page.status_code == 200
    assert_never_stored(page)
    text = page.text
    for shown in (
        "Quantum Links",
        "Ada L.",
        format_event_when(event, "en"),  # the event's own zone
        "Zhongguancun Forum",
        "1 Science Road, Beijing",
        format_code(seated.checkin_code),
    ):
        assert shown in text, shown
    assert "CST" in text or "UTC+8" in text
    assert f'<img class="ticket-qr" src="/r/{token}/ticket/qr.png"' in text
    # The site's Content-Security-Policy allows neither inline style nor inline script.
    assert " style=" not in text
    assert "<script>" not in text

    image = client.get(f"/r/{token}/ticket/qr.png")
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"
    assert_never_stored(image)
    assert image.content.startswith(PNG_SIGNATURE)
    assert image.content == qr_png(seated.checkin_code)


def test_the_print_stylesheet_keeps_the_ticket_on_one_page(client: TestClient) -> None:
    css = client.get("/static/css/site.css")
    assert css.status_code == 200
    print_rules = css.text.split("@media print", 1)[1]
    for rule in (".site-header", ".site-footer", ".no-print", "break-inside: avoid"):
        assert rule in print_rules


def refused(client: TestClient, token: str) -> bool:
    """The ticket is refused with a page that says why, and the attendee page offers none."""
    page = client.get(f"/r/{token}/ticket")
    assert_never_stored(page)
    return (
        page.status_code == 404
        and "Only a confirmed seat has a ticket" in page.text
        and f'href="/r/{token}"' in page.text  # the way back
        and client.get(f"/r/{token}/ticket/qr.png").status_code == 404
        and "/ticket" not in client.get(f"/r/{token}").text
    )


def test_no_ticket_without_a_confirmed_seat(
    client: TestClient, db: Database, now: datetime, notifier: Notifier, event: Event
) -> None:
    assert event.id is not None
    seated, seated_token = register(db, now, notifier, event.id, "seated@example.org")
    confirm(db, now, notifier, seated_token)
    _waiting, waiting_token = register(db, now, notifier, event.id, "waiting@example.org")
    assert confirm(db, now, notifier, waiting_token).status == "waitlisted"
    pending, pending_token = register(db, now, notifier, event.id, "pending@example.org")
    assert pending.status == "pending"
    assert refused(client, waiting_token)
    assert refused(client, pending_token)

    with db.write() as session:
        service.cancel_registration(
            session=session, now=now, registration=session.merge(seated), notifier=notifier
        )
    assert refused(client, seated_token)
    assert client.get(f"/r/{waiting_token}/ticket").status_code == 200  # moved up: a seat

    roomy = make_event(db, now, capacity=5)
    assert roomy.id is not None
    _late, late_token = register(db, now, notifier, roomy.id, "late@example.org")
    assert client.get(f"/r/{late_token}/ticket").status_code == 404
    expire_holds(db, now + HOLD, notifier)
    assert "Not confirmed in time." in client.get(f"/r/{late_token}").text
    assert refused(client, late_token)

    unknown = "A" * 32
    assert client.get(f"/r/{unknown}/ticket").status_code == 404
    assert client.get(f"/r/{unknown}/ticket/qr.png").status_code == 404


def test_a_cancelled_event_has_no_ticket(
    client: TestClient, db: Database, now: datetime, notifier: Notifier, event: Event
) -> None:
    assert event.id is not None
    _registration, token = register(db, now, notifier, event.id, "ada@example.org")
    assert confirm(db, now, notifier, token).status == "confirmed"
    assert client.get(f"/r/{token}/ticket").status_code == 200
    edit_event(db, now, event.slug, status="cancelled")
    page = client.get(f"/r/{token}/ticket")
    assert page.status_code == 404
    assert "This event has been cancelled" in page.text
    assert client.get(f"/r/{token}/ticket/qr.png").status_code == 404
    assert "/ticket" not in client.get(f"/r/{token}").text
