"""The check-in page over HTTP: the code field and what it answers, the list's buttons, the
search, who may use it, and the audit log's words for it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from starlette.testclient import TestClient

from events_app.db import Database
from events_app.models import Event, Registration, User
from events_app.registration import service
from events_app.registration.checkin_codes import format_code
from events_app.registration.notify import Notifier
from tests.admin.web_helpers import post_form, sign_in
from tests.factories import make_event, make_user
from tests.registration.helpers import confirm, register
from tests.registration.web_helpers import csrf_from, https_client

PAGE = "/admin/events/talk/checkin"


@pytest.fixture
def editor(client: TestClient, db: Database, now: datetime) -> User:
    user = make_user(db, now, email="door@example.org", role="editor")
    sign_in(client, user)
    return user


@pytest.fixture
def event(db: Database, now: datetime) -> Event:
    return make_event(db, now, slug="talk", title="The Talk", capacity=2)


def seat(
    db: Database, now: datetime, notifier: Notifier, event: Event, email: str, name: str
) -> Registration:
    _, token = register(db, now, notifier, event.id, email, name=name)  # type: ignore[arg-type]
    return confirm(db, now, notifier, token)


def scan(client: TestClient, code: str, **fields: str) -> object:
    return post_form(client, PAGE, PAGE, code=code, **fields)


def result_text(html: str) -> str:
    match = re.search(r'<div class="door-result[^"]*" role="(\w+)">(.*?)</div>', html, re.S)
    assert match, "no outcome on the page"
    return match.group(1) + ": " + " ".join(re.sub(r"<[^>]+>", " ", match.group(2)).split())


def test_the_page_lists_seated_attendees_with_the_counts(
    client: TestClient, db: Database, now: datetime, notifier: Notifier, editor: User, event: Event
) -> None:
    seat(db, now, notifier, event, "ada@example.org", "Ada Lovelace")
    seat(db, now, notifier, event, "grace@example.org", "Grace Hopper")
    seat(db, now, notifier, event, "wait@example.org", "Wai Ting")  # waitlisted: not listed
    response = client.get(PAGE)
    assert response.status_code == 200
    page = response.text
    assert "<h1>Check-in: The Talk</h1>" in page
    assert "0 of 2 checked in" in page
    assert page.count(">Mark attended<") == 2
    assert "Ada Lovelace" in page
    assert "Grace Hopper" in page
    assert "Wai Ting" not in page
    assert 'name="code"' in page
    assert "autofocus" in page
    assert response.headers["cache-control"] == "no-store"


def test_a_typed_code_checks_the_attendee_in(
    client: TestClient, db: Database, now: datetime, notifier: Notifier, editor: User, event: Event
) -> None:
    ada = seat(db, now, notifier, event, "ada@example.org", "Ada Lovelace")
    typed = " " + format_code(ada.checkin_code).lower() + " "
    response = scan(client, typed)
    assert response.status_code == 200  # type: ignore[attr-defined]
    page = response.text  # type: ignore[attr-defined]
    assert result_text(page) == "status: Checked in: Ada Lovelace"
    assert "1 of 1 checked in" in page
    assert 'name="code" type="text" value=""' in page  # empty again for the next person
    assert ">Undo<" in page
    with db.read() as session:
        assert session.get(Registration, ada.id).status == "attended"  # type: ignore[union-attr]


def test_a_second_scan_says_when_the_first_was(
    client: TestClient, db: Database, now: datetime, notifier: Notifier, editor: User, event: Event
) -> None:
    ada = seat(db, now, notifier, event, "ada@example.org", "Ada Lovelace")
    scan(client, ada.checkin_code)
    client.app.state.context.clock.advance(timedelta(minutes=30))  # type: ignore[attr-defined]
    response = scan(client, ada.checkin_code)
    assert response.status_code == 409  # type: ignore[attr-defined]
    assert result_text(response.text) == (  # type: ignore[attr-defined]
        "alert: Already checked in: Ada Lovelace at Tue 1 Dec 2026, 09:00 UTC"
    )


def test_a_code_for_another_event_is_not_registered_here(
    client: TestClient, db: Database, now: datetime, notifier: Notifier, editor: User, event: Event
) -> None:
    other = make_event(db, now, slug="other", title="Another Talk")
    elsewhere = seat(db, now, notifier, other, "ada@example.org", "Ada Lovelace")
    response = scan(client, elsewhere.checkin_code)
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert result_text(response.text) == (  # type: ignore[attr-defined]
        "alert: Not registered for this event. "
        "This code is a registration for another event: Another Talk."
    )
    with db.read() as session:
        assert session.get(Registration, elsewhere.id).status == "confirmed"  # type: ignore[union-attr]


def test_an_unknown_code_and_a_malformed_one(
    client: TestClient, db: Database, now: datetime, editor: User, event: Event
) -> None:
    unknown = scan(client, "ABCD-EFGH")
    assert unknown.status_code == 422  # type: ignore[attr-defined]
    assert result_text(unknown.text) == (  # type: ignore[attr-defined]
        "alert: Not registered for this event. No registration has this code."
    )
    malformed = scan(client, "hello there")
    assert malformed.status_code == 400  # type: ignore[attr-defined]
    page = malformed.text  # type: ignore[attr-defined]
    assert 'value="hello there"' in page  # kept, to be corrected
    assert 'aria-invalid="true"' in page
    assert 'id="door-code-error"' in page
    assert "This is not a check-in code." in page
    assert "door-result" not in page


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("waitlisted", "Not admitted: Bob Byte is on the waitlist, without a seat."),
        ("cancelled", "Not admitted: the registration of Bob Byte was cancelled."),
        ("pending", "Not admitted: Bob Byte never confirmed the registration."),
    ],
)
def test_without_a_seat_the_answer_says_why(
    state: str,
    message: str,
    client: TestClient,
    db: Database,
    now: datetime,
    notifier: Notifier,
    editor: User,
    event: Event,
) -> None:
    seat(db, now, notifier, event, "a@example.org", "A")
    seat(db, now, notifier, event, "b@example.org", "B")  # the event is now full
    bob, token = register(db, now, notifier, event.id, "bob@example.org", name="Bob Byte")  # type: ignore[arg-type]
    if state != "pending":
        bob = confirm(db, now, notifier, token)
    if state == "cancelled":
        with db.write() as session:
            found = session.get(Registration, bob.id)
            assert found is not None
            service.cancel_registration(
                session=session, now=now, registration=found, notifier=notifier
            )
    response = scan(client, bob.checkin_code)
    assert response.status_code == 409  # type: ignore[attr-defined]
    assert result_text(response.text) == f"alert: {message}"  # type: ignore[attr-defined]
    with db.read() as session:
        assert session.get(Registration, bob.id).status == state  # type: ignore[union-attr]


def test_the_list_buttons_check_in_and_undo(
    client: TestClient, db: Database, now: datetime, notifier: Notifier, editor: User, event: Event
) -> None:
    ada = seat(db, now, notifier, event, "ada@example.org", "Ada Lovelace")
    attend = f"{PAGE}/{ada.id}/attend"
    undo = f"{PAGE}/{ada.id}/undo"
    assert f'action="{attend}"' in client.get(PAGE).text
    response = post_form(client, PAGE, attend, q="ada")
    assert response.status_code == 200
    assert result_text(response.text) == "status: Checked in: Ada Lovelace"
    assert f'action="{undo}"' in response.text
    assert '<input type="hidden" name="q" value="ada">' in response.text  # the search is kept
    again = post_form(client, PAGE, attend)
    assert again.status_code == 409
    undone = post_form(client, PAGE, undo)
    assert undone.status_code == 200
    assert result_text(undone.text) == (
        "status: Check-in undone: Ada Lovelace Registered, not checked in."
    )
    nothing = post_form(client, PAGE, undo)
    assert nothing.status_code == 409
    assert "was not checked in: nothing to undo" in nothing.text


def test_buttons_for_registrations_not_at_this_event_are_404(
    client: TestClient, db: Database, now: datetime, notifier: Notifier, editor: User, event: Event
) -> None:
    other = make_event(db, now, slug="other")
    elsewhere = seat(db, now, notifier, other, "ada@example.org", "Ada Lovelace")
    for path in (
        f"{PAGE}/{elsewhere.id}/attend",
        f"{PAGE}/{elsewhere.id}/undo",
        f"{PAGE}/999999/attend",
        f"{PAGE}/99999999999999999999/attend",
        "/admin/events/no-such-event/checkin",
        f"/admin/events/no-such-event/checkin/{elsewhere.id}/attend",
    ):
        assert post_form(client, PAGE, path, code="ABCD-EFGH").status_code == 404, path
    assert client.get("/admin/events/no-such-event/checkin").status_code == 404
    with db.read() as session:
        assert session.get(Registration, elsewhere.id).status == "confirmed"  # type: ignore[union-attr]


def test_searching_the_list(
    client: TestClient, db: Database, now: datetime, notifier: Notifier, editor: User, event: Event
) -> None:
    seat(db, now, notifier, event, "ada@example.org", "Ada Lovelace")
    seat(db, now, notifier, event, "grace@example.org", "Grace Hopper")
    page = client.get(PAGE, params={"q": "hopper"}).text
    assert "Grace Hopper" in page
    assert "Ada Lovelace" not in page
    assert "2 checked in" in page  # the counts stay the event's
    assert "Show everyone" in page
    nobody = client.get(PAGE, params={"q": "nobody\x00<b>"})
    assert nobody.status_code == 200
    assert "No attendee with a seat matches this search." in nobody.text
    assert "<b>" not in nobody.text


def test_changes_are_in_the_audit_log_in_words(
    client: TestClient, db: Database, now: datetime, notifier: Notifier, event: Event
) -> None:
    admin = make_user(db, now, email="admin@example.org")
    sign_in(client, admin)
    ada = seat(db, now, notifier, event, "ada@example.org", "Ada Lovelace")
    scan(client, ada.checkin_code)
    post_form(client, PAGE, f"{PAGE}/{ada.id}/undo")
    log = client.get("/admin/audit").text
    assert "<strong>Checked in</strong>" in log
    assert "<strong>Check-in undone</strong>" in log
    assert "registration: Ada Lovelace · The Talk" in log


def test_editors_may_check_in_and_visitors_may_not(
    app: object, db: Database, now: datetime, notifier: Notifier, event: Event
) -> None:
    ada = seat(db, now, notifier, event, "ada@example.org", "Ada Lovelace")
    with https_client(app) as visitor:
        response = visitor.get(PAGE, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/admin/login?next=")
        token = csrf_from(visitor, "/admin/login")  # a valid token: only the guard refuses
        refused = visitor.post(PAGE, data={"csrf_token": token, "code": ada.checkin_code})
        assert refused.status_code == 403
    with db.read() as session:
        assert session.get(Registration, ada.id).status == "confirmed"  # type: ignore[union-attr]
