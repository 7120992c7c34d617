"""Confirmation codes: derived from a per-registration nonce and the secret key (never
stored), checked under the event's lock, five wrong tries per code, a fresh code with every
email that asks for confirmation, and dead with the hold."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from events_app.db import Database
from events_app.models import Registration, RegistrationStatus
from events_app.registration import service
from events_app.registration.code_confirmation import CodeOutcome, confirm_by_code
from events_app.registration.confirmation_codes import (
    MAX_ATTEMPTS,
    code_for,
    code_matches,
    confirmation_code,
    typed_code,
)
from events_app.registration.notify import Notifier
from events_app.registration.schemas import email_key
from events_app.registration.tokens import new_nonce
from tests.factories import make_event
from tests.registration.helpers import HOLD, outbox, register

KEY = "test-secret-key-" + "x" * 32
CODE_IN_EMAIL = re.compile(r"\b(\d{6})\b")


def test_a_code_is_six_digits_of_the_nonce_under_the_key() -> None:
    nonce = new_nonce()
    code = code_for(KEY, nonce)
    assert code is not None
    assert re.fullmatch(r"\d{6}", code)
    assert code_for(KEY, nonce) == code  # derived again, the same: nothing needs storing
    codes = {code_for(KEY, new_nonce()) for _ in range(50)}
    assert len(codes) > 45  # a new nonce, a new code
    others = {code_for(f"another-{i}-" + KEY, nonce) for i in range(50)}
    assert len(others) > 45  # without the key, the nonce tells nothing
    assert code_for(KEY, "") is None  # rows from before codes have none, not a shared one


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("123456", "123456"),
        (" 123 456 ", "123456"),
        ("123-456", "123456"),
        ("012345", "012345"),
        ("12345", None),
        ("1234567", None),
        ("12345a", None),
        ("١٢٣٤٥٦", None),  # Arabic-Indic digits are digits to str.isdigit, not to us
        ("1" * 6 + " " * 30, None),
        ("", None),
    ],
)
def test_what_was_typed_is_forgiven_spaces_and_dashes(typed: str, digits: str | None) -> None:
    assert typed_code(typed) == digits


def test_a_code_matches_only_its_own_nonce() -> None:
    nonce = new_nonce()
    code = code_for(KEY, nonce)
    assert code is not None
    assert code_matches(KEY, nonce, code)
    assert not code_matches(KEY, new_nonce(), code)
    assert not code_matches(KEY, "", "000000")


def _code(registration: Registration, notifier: Notifier) -> str:
    code = confirmation_code(registration, notifier.settings.secret_key)
    assert code is not None
    return code


def _try(db: Database, now: datetime, notifier: Notifier, event_id: int, code: str) -> CodeOutcome:
    with db.write() as session:
        outcome = confirm_by_code(
            session=session, now=now, event_id=event_id, email_key=email_key("a@example.org"),
            code=code, notifier=notifier,
        )  # fmt: skip
        if outcome.registration is not None:
            session.flush()  # what the commit writes, readable after it
            session.expunge(outcome.registration)
        return outcome


def _row(db: Database, registration_id: int | None) -> Registration:
    with db.read() as session:
        row = session.get(Registration, registration_id)
        assert row is not None
        return row


def _wrong(code: str) -> str:
    return str((int(code) + 1) % 10**6).zfill(6)


def test_the_right_code_confirms_and_the_email_carries_it(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now, capacity=2)
    registration, _ = register(db, now, notifier, event.id, "a@example.org")
    code = _code(registration, notifier)
    [request] = outbox(db)
    assert code in request.text_body
    assert code in request.html_body
    # Nothing on the row reveals it: only the nonce and the count of tries are kept.
    assert code not in " ".join(str(v) for v in _row(db, registration.id).model_dump().values())
    outcome = _try(db, now, notifier, event.id, code)
    assert outcome.problem is None
    assert outcome.registration is not None
    assert outcome.registration.status == RegistrationStatus.confirmed
    assert [m.kind for m in outbox(db)] == ["confirm_request", "confirmed"]
    # Typed again (a second tab): its page again, and no second confirmation.
    again = _try(db, now + timedelta(minutes=1), notifier, event.id, code)
    assert again.registration is not None
    assert again.problem is None
    assert [m.kind for m in outbox(db)] == ["confirm_request", "confirmed"]


def test_five_wrong_tries_kill_the_code_even_for_the_right_one(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now, capacity=2)
    registration, _ = register(db, now, notifier, event.id, "a@example.org")
    code = _code(registration, notifier)
    problems = [_try(db, now, notifier, event.id, _wrong(code)).problem for _ in range(5)]
    assert problems == ["wrong"] * (MAX_ATTEMPTS - 1) + ["used_up"]
    refused = _try(db, now, notifier, event.id, code)
    assert refused == CodeOutcome(None, "used_up")
    row = _row(db, registration.id)
    assert (row.status, row.code_attempts) == (RegistrationStatus.pending, MAX_ATTEMPTS)


def test_resending_issues_a_fresh_code_with_fresh_tries(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now, capacity=2)
    registration, _ = register(db, now, notifier, event.id, "a@example.org")
    old = _code(registration, notifier)
    for _ in range(MAX_ATTEMPTS):
        _try(db, now, notifier, event.id, _wrong(old))
    later = now + service.RESEND_COOLDOWN
    again, _ = register(db, later, notifier, event.id, "a@example.org")  # the manage link
    new = _code(again, notifier)
    assert again.code_nonce != registration.code_nonce
    assert again.code_attempts == 0
    manage_link = outbox(db)[-1]
    assert manage_link.kind == "manage_link"
    assert new in manage_link.text_body
    assert new in manage_link.html_body
    if new != old:  # one chance in a million that the fresh code is the old one
        assert _try(db, later, notifier, event.id, old).problem == "wrong"
    assert _try(db, later, notifier, event.id, new).problem is None


def test_the_code_dies_with_the_hold(db: Database, now: datetime, notifier: Notifier) -> None:
    event = make_event(db, now, capacity=2)
    registration, _ = register(db, now, notifier, event.id, "a@example.org")
    code = _code(registration, notifier)
    late = now + HOLD + timedelta(seconds=1)
    assert _try(db, late, notifier, event.id, code) == CodeOutcome(None, "expired")
    assert _row(db, registration.id).status == RegistrationStatus.expired


def test_a_confirmed_registration_gets_no_code_in_its_emails(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now, capacity=2)
    registration, _ = register(db, now, notifier, event.id, "a@example.org")
    _try(db, now, notifier, event.id, _code(registration, notifier))
    register(db, now + service.RESEND_COOLDOWN, notifier, event.id, "a@example.org")
    manage_link = outbox(db)[-1]
    assert manage_link.kind == "manage_link"
    assert "type this code" not in manage_link.text_body
    assert confirmation_code(_row(db, registration.id), notifier.settings.secret_key) is None


def test_an_address_without_a_registration_is_only_wrong(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now, capacity=2)
    assert _try(db, now, notifier, event.id, "123456") == CodeOutcome(None, "wrong")


def test_an_email_written_after_a_resend_carries_the_fresh_code(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    """The mail worker writes emails when it sends them, deriving the code from the row then:
    an email still queued when a fresh code is issued carries the fresh one, never a code
    that no longer works."""
    event = make_event(db, now, capacity=2)
    first, _ = register(db, now, notifier, event.id, "a@example.org")
    again, _ = register(db, now + service.RESEND_COOLDOWN, notifier, event.id, "a@example.org")
    assert again.code_nonce != first.code_nonce
    fresh = _code(again, notifier)
    messages = outbox(db)  # both written only now, as the worker would
    assert [m.kind for m in messages] == ["confirm_request", "manage_link"]
    assert all(fresh in m.text_body and fresh in m.html_body for m in messages)
