"""The "check your email" page names the address the form was sent with and until when the
seat is held, from a signed cookie for that page only, and offers "Resend" under the form's
cooldown and cap. Without a valid cookie (a bot, a tampered or an expired one) it is the
generic page, naming nobody."""

from __future__ import annotations

from datetime import datetime, timedelta

from starlette.testclient import TestClient

from events_app.clock import FrozenClock
from events_app.db import Database
from events_app.registration.sent_notice import COOKIE_NAME
from events_app.registration.service import RESEND_COOLDOWN
from tests.factories import make_event
from tests.registration.helpers import outbox
from tests.registration.web_helpers import SAME_ORIGIN, register_form

SENT = "/events/talk/registered"


def resend(client: TestClient) -> str:
    """Press "Resend"; the page it leads to."""
    response = client.post(SENT, headers=SAME_ORIGIN, follow_redirects=False)
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith(SENT)
    return client.get(location).text


def test_the_page_names_the_address_and_the_end_of_the_hold_and_is_not_stored(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="talk", capacity=3, timezone="Asia/Shanghai")
    answer = register_form(client, "talk", email="ada@example.org")
    cookie = answer.headers["set-cookie"]
    assert f"{COOKIE_NAME}=" in cookie
    for attribute in ("Path=/events/talk/registered", "HttpOnly", "Secure", "SameSite=strict"):
        assert attribute in cookie
    assert "ada@example.org" not in answer.headers["location"]
    page = client.get(SENT)
    assert page.headers["cache-control"] == "no-store"
    assert "<strong>ada@example.org</strong>" in page.text
    # Registered at 09:00 UTC, held for an hour (EVENTS_HOLD_MINUTES): 18:00 in Shanghai.
    assert "We are holding a seat for you until 1 December 2026, 18:00" in page.text
    assert "You can ask for it again from 1 December 2026, 17:10" in page.text
    assert "Resend the email" not in page.text  # not within the cooldown


def test_a_full_event_says_confirming_joins_the_waitlist(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="talk", capacity=0)
    register_form(client, "talk")
    page = client.get(SENT).text
    assert "when you confirm, you join the waitlist" in page
    assert "holding a seat" not in page


def test_resend_waits_for_the_cooldown_then_sends_the_request_again(
    client: TestClient, db: Database, now: datetime, clock: FrozenClock
) -> None:
    make_event(db, now, slug="talk")
    register_form(client, "talk", email="ada@example.org")
    too_soon = resend(client)
    assert "We have sent the email again" not in too_soon
    assert "You can ask for it again from" in too_soon
    assert [m.kind for m in outbox(db)] == ["confirm_request"]

    clock.advance(RESEND_COOLDOWN)
    page = client.get(SENT).text
    assert "Resend the email" in page
    again = resend(client)
    assert "We have sent the email again." in again
    assert "<strong>ada@example.org</strong>" in again
    assert "You can ask for it again from" in again  # the cooldown starts over
    assert [(m.kind, m.to_address) for m in outbox(db)] == [
        ("confirm_request", "ada@example.org"),
        ("confirm_request", "ada@example.org"),
    ]
    # A replayed older cookie is held back by the service's own cooldown.
    clock.advance(RESEND_COOLDOWN / 2)
    register_form(client, "talk", email="ada@example.org")  # a known address: within cooldown
    assert len(outbox(db)) == 2


def test_a_confirmed_registration_gets_its_manage_link_again(
    client: TestClient, db: Database, now: datetime, clock: FrozenClock
) -> None:
    make_event(db, now, slug="talk")
    register_form(client, "talk", email="ada@example.org")
    [request] = outbox(db)
    token = request.text_body.split("/r/")[1][:32]
    client.post(f"/r/{token}/confirm", headers=SAME_ORIGIN)
    clock.advance(RESEND_COOLDOWN)
    assert "We have sent the email again." in resend(client)
    assert [m.kind for m in outbox(db)] == ["confirm_request", "confirmed", "manage_link"]


def test_a_bot_gets_the_generic_page_and_resend_does_nothing(
    client: TestClient, db: Database, now: datetime, clock: FrozenClock
) -> None:
    make_event(db, now, slug="talk")
    answer = register_form(client, "talk", email="victim@example.org", website="spam")
    assert "victim@example.org" not in answer.headers.get("set-cookie", "")
    page = client.get(SENT).text
    assert "victim@example.org" not in page
    assert "to the address you gave" in page
    clock.advance(RESEND_COOLDOWN)
    assert "victim@example.org" not in resend(client)
    assert outbox(db) == []
    # A form caught by the honeypot also forgets an address this browser sent before.
    register_form(client, "talk", email="ada@example.org")
    assert "ada@example.org" in client.get(SENT).text
    register_form(client, "talk", email="victim@example.org", website="spam")
    assert "@example.org" not in client.get(SENT).text


def test_a_tampered_or_expired_cookie_names_nobody(
    client: TestClient, db: Database, now: datetime, clock: FrozenClock
) -> None:
    make_event(db, now, slug="talk")
    make_event(db, now, slug="other")
    register_form(client, "talk", email="ada@example.org")
    value = client.cookies.get(COOKIE_NAME)
    assert value
    payload, signature = value.rsplit(".", 1)
    tampered = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + signature
    fresh = TestClient(client.app, base_url="https://testserver")
    for forged in (tampered, "", "x" * 5000, value + "x"):
        fresh.cookies.set(COOKIE_NAME, forged, path=SENT)
        page = fresh.get(SENT).text
        assert "ada@example.org" not in page
        assert "to the address you gave" in page
    # The same value does not open another event's page.
    fresh.cookies.clear()
    fresh.cookies.set(COOKIE_NAME, value, path="/events/other/registered")
    assert "ada@example.org" not in fresh.get("/events/other/registered").text
    # Once the hold is over, the value names nobody either, and "Resend" sends nothing.
    clock.advance(timedelta(hours=1))
    assert "ada@example.org" not in client.get(SENT).text
    resend(client)
    assert len(outbox(db)) == 1


def test_resend_is_refused_from_another_site(
    client: TestClient, db: Database, now: datetime, clock: FrozenClock
) -> None:
    make_event(db, now, slug="talk")
    register_form(client, "talk")
    clock.advance(RESEND_COOLDOWN)
    refused = client.post(SENT, headers={"sec-fetch-site": "cross-site"})
    assert refused.status_code == 403
    assert len(outbox(db)) == 1


def test_a_new_and_a_known_address_read_the_same_page(
    client: TestClient, db: Database, now: datetime, clock: FrozenClock
) -> None:
    make_event(db, now, slug="talk")
    register_form(client, "talk", email="known@example.org")
    clock.advance(RESEND_COOLDOWN * 2)
    pages = []
    for address in ("known@example.org", "new@example.org"):
        with TestClient(client.app, base_url="https://testserver") as browser:
            register_form(browser, "talk", email=address)
            pages.append(browser.get(SENT).text.replace(address, "ADDRESS"))
    assert pages[0] == pages[1]
