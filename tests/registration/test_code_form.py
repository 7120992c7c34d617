"""Confirming in the same tab: the code from the email, typed on the "check your email" page,
confirms as the link does; a wrong, malformed, dead or expired code brings the page back
(400) with the error summary and the code kept; the link's own page says what one press gets."""

from __future__ import annotations

import re
import threading
from datetime import datetime, timedelta
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from events_app.app import create_app
from events_app.clock import FrozenClock
from events_app.db import Database
from events_app.models import Registration
from events_app.registration.confirmation_codes import MAX_ATTEMPTS
from events_app.registration.sent_notice import COOKIE_NAME
from events_app.registration.service import RESEND_COOLDOWN
from tests.factories import make_event
from tests.registration.helpers import HOLD, outbox, statuses
from tests.registration.web_helpers import (
    CONFIRM_LINK,
    SAME_ORIGIN,
    https_client,
    last_token,
    register_form,
)
from tests.support.settings import make_settings

SENT = "/events/talk/registered"
CODE_FORM = "/events/talk/registered/code"
CODE_IN_TEXT = re.compile(r"^\s+(\d{6})$", re.MULTILINE)


def last_code(db: Database) -> str:
    """The code in the newest email that carries one."""
    for message in reversed(outbox(db)):
        match = CODE_IN_TEXT.search(message.text_body) or re.search(
            r"registered: (\d{6})", message.text_body
        )
        if match:
            return match.group(1)
    raise AssertionError("no email with a code")


def type_code(client: TestClient, code: str) -> Any:
    return client.post(CODE_FORM, data={"code": code}, headers=SAME_ORIGIN, follow_redirects=False)


def other_than(code: str) -> str:
    return str((int(code) + 1) % 10**6).zfill(6)


def test_the_right_code_confirms_in_the_same_tab(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="talk", capacity=3)
    register_form(client, "talk", email="ada@example.org")
    page = client.get(SENT).text
    assert 'id="confirmation-code"' in page
    assert "Confirm my seat" in page
    code = last_code(db)
    answer = type_code(client, code[:3] + " " + code[3:])  # as it may be typed
    assert answer.status_code == 303
    token = last_token(db, "ada@example.org")
    assert answer.headers["location"] == f"/r/{token}"
    assert f'{COOKIE_NAME}=""' in answer.headers["set-cookie"]
    assert "Confirmed: you have a seat." in client.get(f"/r/{token}").text
    assert [m.kind for m in outbox(db)] == ["confirm_request", "confirmed"]
    assert "to the address you gave" in client.get(SENT).text  # the page names nobody now


def test_a_full_event_confirms_onto_the_waitlist(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="talk", capacity=0)
    register_form(client, "talk", email="ada@example.org")
    assert "Join the waitlist" in client.get(SENT).text
    answer = type_code(client, last_code(db))
    assert "You are on the waitlist." in client.get(answer.headers["location"]).text


def test_a_wrong_code_brings_the_page_back_with_the_summary_and_the_input(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="talk")
    register_form(client, "talk", email="ada@example.org")
    wrong = other_than(last_code(db))
    answer = type_code(client, wrong)
    assert answer.status_code == 400
    page = answer.text
    assert "<title>Error: Check your email" in page
    assert "data-error-summary" in page
    assert 'href="#confirmation-code"' in page
    assert page.count("That is not the code in the email.") == 2  # summary and field
    assert f'value="{wrong}"' in page
    assert 'aria-invalid="true"' in page
    assert "<strong>ada@example.org</strong>" in page
    assert statuses(db, 1) == {"ada@example.org": "pending"}


@pytest.mark.parametrize(("typed", "message"), [("12ab56", "six digits"), ("", "Enter the")])
def test_what_cannot_be_a_code_is_refused_without_spending_a_try(
    client: TestClient, db: Database, now: datetime, typed: str, message: str
) -> None:
    make_event(db, now, slug="talk")
    register_form(client, "talk", email="ada@example.org")
    for _ in range(MAX_ATTEMPTS + 1):
        answer = type_code(client, typed)
        assert answer.status_code == 400
        assert message in answer.text
    assert type_code(client, last_code(db)).status_code == 303


def test_the_sixth_try_is_refused_even_with_the_right_code(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="talk")
    register_form(client, "talk", email="ada@example.org")
    code = last_code(db)
    answers = [type_code(client, other_than(code)) for _ in range(MAX_ATTEMPTS)]
    assert [a.status_code for a in answers] == [400] * MAX_ATTEMPTS
    assert "tried too many times" in answers[-1].text
    refused = type_code(client, code)
    assert refused.status_code == 400
    assert "Ask for a new code below" in refused.text
    assert "You can ask for it again from" in refused.text
    assert statuses(db, 1) == {"ada@example.org": "pending"}


def test_resend_gives_a_new_code_and_the_old_one_stops_working(
    client: TestClient, db: Database, now: datetime, clock: FrozenClock
) -> None:
    make_event(db, now, slug="talk")
    register_form(client, "talk", email="ada@example.org")
    old = last_code(db)
    for _ in range(MAX_ATTEMPTS):
        type_code(client, other_than(old))
    clock.advance(RESEND_COOLDOWN)
    client.post(SENT, headers=SAME_ORIGIN)
    new = last_code(db)
    assert [m.kind for m in outbox(db)] == ["confirm_request", "confirm_request"]
    if new != old:  # one chance in a million that they are the same
        assert type_code(client, old).status_code == 400
    assert type_code(client, new).status_code == 303
    assert statuses(db, 1) == {"ada@example.org": "confirmed"}


def test_an_expired_hold_takes_no_code(
    client: TestClient, db: Database, now: datetime, clock: FrozenClock
) -> None:
    make_event(db, now, slug="talk")
    register_form(client, "talk", email="ada@example.org")
    code = last_code(db)
    clock.advance(HOLD + timedelta(seconds=1))
    answer = type_code(client, code)
    assert answer.status_code == 400
    assert "This page can no longer check a code" in answer.text
    assert 'href="#code-help"' in answer.text
    assert statuses(db, 1) == {"ada@example.org": "pending"}  # released by the next lock
    # The link's rules are unchanged: a late confirmation still gets a free seat.
    token = last_token(db, "ada@example.org")
    client.post(f"/r/{token}/confirm", headers=SAME_ORIGIN)
    assert statuses(db, 1) == {"ada@example.org": "confirmed"}


def test_a_hold_that_ends_before_the_pages_cookie_takes_no_code(
    client: TestClient, db: Database, now: datetime
) -> None:
    """The cookie lives as long as a hold, counted from its whole second: a code typed in the
    moment between the two ends meets an expired registration, and says so."""
    make_event(db, now, slug="talk")
    register_form(client, "talk", email="ada@example.org")
    with db.write() as session:
        registration = session.get(Registration, 1)
        assert registration is not None
        registration.hold_expires_at = now
    answer = type_code(client, last_code(db))
    assert answer.status_code == 400
    assert "This code has expired" in answer.text
    assert 'href="#confirmation-code"' in answer.text
    assert statuses(db, 1) == {"ada@example.org": "expired"}


def test_two_right_codes_at_once_confirm_once(
    client: TestClient, app: Starlette, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="talk", capacity=1)
    register_form(client, "talk", email="ada@example.org")
    code = last_code(db)
    second = https_client(app)
    second.cookies.set(COOKIE_NAME, client.cookies[COOKIE_NAME], path=SENT)
    barrier = threading.Barrier(2)
    answers: list[int] = []

    def post(each: TestClient) -> None:
        barrier.wait()
        answers.append(type_code(each, code).status_code)

    threads = [threading.Thread(target=post, args=(each,)) for each in (client, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [303, 303]
    assert [m.kind for m in outbox(db)] == ["confirm_request", "confirmed"]


def test_the_code_form_counts_against_the_forms_rate_limit(
    database_url: str, db: Database, clock: FrozenClock, now: datetime
) -> None:
    make_event(db, now, slug="talk")
    settings = make_settings(database_url, rate_limit_enabled=True, rate_limit_register="3/hour")
    with https_client(create_app(settings, clock=clock, database=db)) as client:
        register_form(client, "talk", email="ada@example.org")
        code = last_code(db)
        assert type_code(client, other_than(code)).status_code == 400
        assert type_code(client, other_than(code)).status_code == 400
        refused = type_code(client, code)
    assert refused.status_code == 429
    assert statuses(db, 1) == {"ada@example.org": "pending"}


def test_the_links_page_says_one_press_confirms_in_its_own_words(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="talk", capacity=1)
    register_form(client, "talk", email="ada@example.org")
    [request] = outbox(db)
    assert "Confirm my registration" in request.html_body  # the email's button
    match = CONFIRM_LINK.search(request.text_body)
    assert match
    page = client.get(f"/r/{match.group(1)}/confirm").text
    assert "one press on the button below confirms your registration" in page
    assert ">Confirm my seat</button>" in page
    assert "Confirm my registration" not in page
    # Someone else's seat taken in the meantime would not change a held seat; a full event
    # without one offers the waitlist.
    register_form(client, "talk", email="bob@example.org")
    bob = last_token(db, "bob@example.org")
    bob_page = client.get(f"/r/{bob}/confirm").text
    assert ">Join the waitlist</button>" in bob_page
    assert "puts you on the waitlist" in bob_page
