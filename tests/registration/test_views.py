"""The attendee's journey over HTTP: the form on the event page, registering, confirming, and
the attendee's own page (details, cancellation, their data)."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from events_app.clock import FrozenClock
from events_app.db import Database
from events_app.models import Event, OutboxMessage, Registration
from events_app.registration.notify import Notifier
from events_app.registration.service import RESEND_COOLDOWN
from tests.factories import make_event
from tests.registration.helpers import confirm, outbox, register, statuses
from tests.registration.web_helpers import (
    CONFIRM_LINK,
    SAME_ORIGIN,
    last_token,
    post_from_page,
    register_form,
)
from tests.support.error_summary import assert_error_summary, assert_no_error_summary


def registrations(db: Database) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(Registration)) or 0)


# --- The form on the event page ----------------------------------------------------------------


def test_open_event_shows_the_form_seats_left_and_closing_time(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="talk", capacity=5, registration_closes_at=now + timedelta(days=3))
    page = client.get("/events/talk")
    assert page.status_code == 200
    html = page.text
    assert 'action="/events/talk/register"' in html
    for name in ("name", "email", "organisation", "consent", "website"):
        assert f'name="{name}"' in html
    assert "csrf_token" not in html  # the same page for every visitor
    assert "set-cookie" not in page.headers
    assert 'tabindex="-1" autocomplete="off"' in html
    assert "5 seats left" in html
    assert "Registration is open until 4 December 2026, 09:00 UTC." in html
    assert ">Register</button>" in html
    assert 'href="/privacy"' in html
    # The same bytes for every visitor: public, validated by its ETag, in the page cache.
    assert page.headers["cache-control"] == "public, no-cache"
    assert "x-events-page-depends-on" not in page.headers  # the cache's own, never sent
    again = client.get("/events/talk", headers={"if-none-match": page.headers["etag"]})
    assert again.status_code == 304
    assert "set-cookie" not in again.headers


def test_full_event_offers_the_waitlist(
    client: TestClient, db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now, slug="full", capacity=1)
    register(db, now, notifier, event.id, "first@example.org")
    html = client.get("/events/full").text
    assert "Fully booked" in html
    assert ">Join the waitlist</button>" in html
    assert ">Register</button>" not in html


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"status": "cancelled"}, "This event has been cancelled, so it takes no registrations."),
        ({"status": "postponed"}, "This event has been postponed."),
        ({"starts_at_days": -1}, "this event has already started or taken place"),
        ({"opens_in_days": 2}, "Registration opens on 3 December 2026, 09:00 UTC."),
        ({"closed_days_ago": 1}, "Registration closed on 30 November 2026, 09:00 UTC."),
    ],
)
def test_closed_registration_shows_no_form_and_refuses_with_the_reason(
    client: TestClient, db: Database, now: datetime, overrides: dict[str, object], reason: str
) -> None:
    values: dict[str, object] = {}
    if "status" in overrides:
        values["status"] = overrides["status"]
    if "starts_at_days" in overrides:
        values["starts_at"] = now + timedelta(days=overrides["starts_at_days"])  # type: ignore[arg-type]
    if "opens_in_days" in overrides:
        values["registration_opens_at"] = now + timedelta(days=2)
    if "closed_days_ago" in overrides:
        values["registration_closes_at"] = now - timedelta(days=1)
    make_event(db, now, slug="shut", capacity=10, **values)
    page = client.get("/events/shut")
    assert page.status_code == 200
    assert 'action="/events/shut/register"' not in page.text
    assert reason in page.text
    # A form kept open in another tab (or a bot) gets the reason too, with 409.
    refused = client.post(
        "/events/shut/register",
        data={"name": "A", "email": "a@example.org", "consent": "yes"},
        headers=SAME_ORIGIN,
    )
    assert refused.status_code == 409
    assert reason in refused.text
    assert registrations(db) == 0
    assert outbox(db) == []


def test_cancelled_and_past_event_pages_stay_public_and_answer_304(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="off", status="cancelled")
    first = client.get("/events/off")
    assert first.headers["cache-control"] == "public, no-cache"
    assert "set-cookie" not in first.headers
    again = client.get("/events/off", headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304


# --- Registering -------------------------------------------------------------------------------


def test_register_redirects_to_check_your_email_and_sends_the_confirm_link(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="talk", capacity=3)
    response = register_form(client, "talk")
    assert response.status_code == 303
    assert response.headers["location"] == "/events/talk/registered"
    sent = client.get(response.headers["location"])
    assert sent.status_code == 200
    assert "Check your email" in sent.text
    [message] = outbox(db)
    assert message.kind == "confirm_request"
    assert message.to_address == "ada@example.org"
    assert CONFIRM_LINK.search(message.text_body)
    assert "2 seats left" in client.get("/events/talk").text  # the hold counts at once


def test_a_known_address_gets_the_same_answer_and_a_fresh_link(
    client: TestClient, db: Database, now: datetime, clock: FrozenClock
) -> None:
    make_event(db, now, slug="talk")
    first = register_form(client, "talk")
    clock.advance(RESEND_COOLDOWN)  # within it, a repeat (a double click) sends nothing
    second = register_form(client, "talk", name="Someone Else", email="ADA@example.org")
    assert (first.status_code, first.headers["location"]) == (
        second.status_code,
        second.headers["location"],
    )
    assert first.content == second.content
    assert client.get(first.headers["location"]).text == client.get(second.headers["location"]).text
    assert registrations(db) == 1
    assert [m.kind for m in outbox(db)] == ["confirm_request", "manage_link"]


def test_a_filled_honeypot_gets_the_same_redirect_and_nothing_happens(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="talk")
    response = register_form(client, "talk", website="http://spam.example")
    assert response.status_code == 303
    assert response.headers["location"] == "/events/talk/registered"
    assert registrations(db) == 0
    assert outbox(db) == []


def test_invalid_input_shows_the_form_again_with_messages_and_keeps_the_input(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="talk")
    response = register_form(
        client,
        "talk",
        name="  ",
        email="not-an-address",
        organisation="Line\x00break <b>",
        consent="",
    )
    assert response.status_code == 400
    html = response.text
    assert 'value="not-an-address"' in html
    assert "Line\x00break" not in html or "&lt;b&gt;" in html
    assert 'id="reg-name" ' in html
    for field in ("name", "email", "organisation", "consent"):
        assert f'aria-describedby="reg-{field}-error"' in html
        assert f'id="reg-{field}-error"' in html
    assert "This field is required." in html
    assert "Please enter a valid email address" in html
    assert "Please agree to the privacy notice" in html
    links = assert_error_summary(html, ["reg-name", "reg-email", "reg-organisation", "reg-consent"])
    assert links[0] == ("reg-name", "Name: This field is required.")
    assert "checked" not in html.split('id="reg-consent"')[1].split(">")[0]
    assert registrations(db) == 0
    assert outbox(db) == []


def test_an_address_the_browser_accepts_but_the_server_refuses_comes_back_in_the_summary(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="talk")
    assert_no_error_summary(client.get("/events/talk").text)
    html = register_form(client, "talk", email="ada@example.test").text  # a special-use domain
    assert_error_summary(html, ["reg-email"])
    assert 'value="ada@example.test"' in html
    assert 'value="Ada Lovelace"' in html
    assert 'type="email" autocomplete="email" required maxlength="320" pattern="' in html


def test_missing_fields_and_unknown_events_never_give_500(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="talk")
    bare = client.post("/events/talk/register", data={}, headers=SAME_ORIGIN)
    assert bare.status_code == 400
    missing = client.post("/events/nope/register", data={}, headers=SAME_ORIGIN)
    assert missing.status_code == 404
    upload = client.post(
        "/events/talk/register",
        data={"website": ""},
        files={"name": ("a.txt", b"x", "text/plain")},
        headers=SAME_ORIGIN,
    )
    assert upload.status_code == 400
    assert registrations(db) == 0


# --- Confirming and the attendee's page ----------------------------------------------------------


def test_get_confirm_does_not_confirm_and_post_does(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="talk")
    register_form(client, "talk")
    token = last_token(db, "ada@example.org")
    page = client.get(f"/r/{token}/confirm")
    assert page.status_code == 200
    assert f'action="/r/{token}/confirm"' in page.text
    assert page.headers["cache-control"] == "no-store"
    assert page.headers.get_list("referrer-policy") == ["no-referrer"]
    assert statuses(db, 1) == {"ada@example.org": "pending"}
    response = post_from_page(client, f"/r/{token}/confirm", f"/r/{token}/confirm")
    assert response.status_code == 303
    assert response.headers["location"] == f"/r/{token}"
    assert statuses(db, 1) == {"ada@example.org": "confirmed"}
    manage = client.get(f"/r/{token}")
    assert "Confirmed: you have a seat." in manage.text
    assert [m.kind for m in outbox(db)] == ["confirm_request", "confirmed"]


def test_the_attendee_page_shows_the_waitlist_position_and_the_event(
    client: TestClient, db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now, slug="small", title="Small talk", capacity=1)
    _, first = register(db, now, notifier, event.id, "first@example.org")
    confirm(db, now, notifier, first)
    _, second = register(db, now, notifier, event.id, "second@example.org")
    _, third = register(db, now, notifier, event.id, "third@example.org")
    confirm(db, now + timedelta(minutes=1), notifier, second)
    confirm(db, now + timedelta(minutes=2), notifier, third)
    page = client.get(f"/r/{third}")
    assert page.status_code == 200
    assert "You are on the waitlist." in page.text
    assert "You are number 2 in line." in page.text
    assert "Small talk" in page.text
    assert f'href="/r/{third}/event.ics"' in page.text
    assert page.headers["cache-control"] == "no-store"
    assert page.headers.get_list("referrer-policy") == ["no-referrer"]


def test_changing_details(client: TestClient, db: Database, now: datetime) -> None:
    make_event(db, now, slug="talk")
    register_form(client, "talk")
    token = last_token(db, "ada@example.org")
    changed = post_from_page(
        client, f"/r/{token}", f"/r/{token}/details", name="Ada King", organisation="Royal Society"
    )
    assert changed.status_code == 303
    assert changed.headers["location"] == f"/r/{token}?saved=1"
    page = client.get(changed.headers["location"]).text
    assert "Your details have been saved." in page
    assert 'value="Ada King"' in page
    assert 'value="Royal Society"' in page
    invalid = post_from_page(
        client, f"/r/{token}", f"/r/{token}/details", name="", organisation="x"
    )
    assert invalid.status_code == 400
    assert 'aria-describedby="details-name-error"' in invalid.text
    assert_error_summary(invalid.text, ["details-name"])
    assert 'value="x"' in invalid.text
    with db.read() as session:
        registration = session.scalars(select(Registration)).one()
    assert (registration.name, registration.organisation) == ("Ada King", "Royal Society")


def one_seat_taken_and_one_waiting(
    db: Database, now: datetime, notifier: Notifier
) -> tuple[Event, str]:
    """A one-seat event: first@ confirmed (its token returned), second@ on the waitlist."""
    event = make_event(db, now, slug="small", capacity=1)
    _, first = register(db, now, notifier, event.id, "first@example.org")
    confirm(db, now, notifier, first)
    _, second = register(db, now, notifier, event.id, "second@example.org")
    confirm(db, now + timedelta(minutes=1), notifier, second)
    return event, first


def test_cancelling_asks_first_then_promotes_the_waitlist(
    client: TestClient, db: Database, now: datetime, notifier: Notifier
) -> None:
    event, first = one_seat_taken_and_one_waiting(db, now, notifier)
    question = client.get(f"/r/{first}/cancel")
    assert question.status_code == 200
    assert "Are you sure?" in question.text
    assert statuses(db, event.id)["first@example.org"] == "confirmed"
    response = post_from_page(client, f"/r/{first}/cancel", f"/r/{first}/cancel")
    assert response.status_code == 303
    assert response.headers["location"] == f"/r/{first}"
    assert statuses(db, event.id) == {
        "first@example.org": "cancelled",
        "second@example.org": "confirmed",
    }
    assert "This registration has been cancelled." in client.get(f"/r/{first}").text
    assert [m.kind for m in outbox(db)][-2:] == ["cancelled", "promoted"]


def test_calendar_file_and_data_download(client: TestClient, db: Database, now: datetime) -> None:
    make_event(db, now, slug="talk", title="The talk")
    register_form(client, "talk")
    token = last_token(db, "ada@example.org")
    ics = client.get(f"/r/{token}/event.ics")
    assert ics.status_code == 200
    assert ics.headers["content-type"].startswith("text/calendar")
    assert ics.headers["content-disposition"] == 'attachment; filename="talk.ics"'
    assert "SUMMARY:The talk" in ics.text
    data = client.get(f"/r/{token}/data.json")
    assert data.status_code == 200
    assert data.headers["content-disposition"].startswith("attachment")
    assert data.headers["cache-control"] == "no-store"
    payload = json.loads(data.content)
    assert payload["registration"]["email"] == "ada@example.org"
    assert payload["registration"]["organisation"] == "Analytical Engines"
    assert payload["event"]["slug"] == "talk"
    assert [email["kind"] for email in payload["emails"]] == ["confirm_request"]
    assert "token_hash" not in data.text
    assert "token_nonce" not in data.text
    assert token not in data.text


def test_deleting_asks_first_then_frees_the_seat_and_forgets_the_person(
    client: TestClient, db: Database, now: datetime, notifier: Notifier
) -> None:
    event, first = one_seat_taken_and_one_waiting(db, now, notifier)
    question = client.get(f"/r/{first}/delete")
    assert "Are you sure?" in question.text
    sent_before = len(outbox(db))
    response = post_from_page(client, f"/r/{first}/delete", f"/r/{first}/delete")
    assert response.status_code == 303
    assert response.headers["location"] == "/registration/deleted"
    assert "Your data has been deleted" in client.get("/registration/deleted").text
    assert statuses(db, event.id) == {"second@example.org": "confirmed"}
    messages = outbox(db)
    # No email to the person who asked to be forgotten; the promoted one hears about it.
    assert [m.kind for m in messages[sent_before:]] == ["promoted"]
    with db.read() as session:
        orphans = session.scalars(
            select(OutboxMessage).where(OutboxMessage.to_address == "first@example.org")
        ).all()
    assert orphans
    assert all(m.registration_id is None for m in orphans)
    assert client.get(f"/r/{first}").status_code == 404


def test_registering_again_never_revokes_the_owners_links(
    client: TestClient, db: Database, now: datetime, clock: FrozenClock
) -> None:
    """Anyone can type the owner's address into the form: that re-sends the same link, and
    their manage page, event file and calendar subscription keep working."""
    make_event(db, now, slug="talk")
    register_form(client, "talk")
    token = last_token(db, "ada@example.org")
    post_from_page(client, f"/r/{token}/confirm", f"/r/{token}/confirm")
    for _ in range(3):
        clock.advance(RESEND_COOLDOWN)
        register_form(client, "talk", name="Mallory", email="ADA@example.org")
        assert last_token(db, "ada@example.org") == token
        for suffix in ("", "/event.ics", "/calendar.ics", "/data.json"):
            assert client.get(f"/r/{token}{suffix}").status_code == 200, suffix
    assert [m.kind for m in outbox(db)].count("manage_link") == 3


def test_wrong_and_malformed_tokens_get_the_missing_page(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="talk")
    register_form(client, "talk")
    missing = client.get("/no-such-page")
    for token in ("A" * 32, "short", "x" * 200, "bad%20chars" + "a" * 22):
        for suffix in ("", "/confirm", "/cancel", "/delete", "/event.ics", "/data.json"):
            response = client.get(f"/r/{token}{suffix}")
            assert response.status_code == 404, (token, suffix)
            assert response.text == missing.text
            assert response.headers["cache-control"] == "no-store"
            assert response.headers.get_list("referrer-policy") == ["no-referrer"]
        page = "/events/talk"
        for action in ("confirm", "details", "cancel", "delete"):
            refused = post_from_page(client, page, f"/r/{token}/{action}", name="A")
            assert refused.status_code == 404, (token, action)
            assert refused.text == missing.text


def test_privacy_notice(client: TestClient) -> None:
    page = client.get("/privacy")
    assert page.status_code == 200
    for heading in ("What we store", "Why", "How long", "Your copy, changes and deletion"):
        assert f"<h2>{heading}</h2>" in page.text
    assert "60 minutes" in page.text
    assert page.headers["cache-control"] == "public, no-cache"


def test_confirm_link_in_the_email_reaches_the_confirm_page(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="talk")
    register_form(client, "talk")
    match = CONFIRM_LINK.search(outbox(db)[0].text_body)
    assert match
    assert re.search(
        r"https://events\.example\.org/r/[A-Za-z0-9_-]{32}/confirm", outbox(db)[0].text_body
    )
    assert client.get(f"/r/{match.group(1)}/confirm").status_code == 200
