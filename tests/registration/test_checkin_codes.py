"""Check-in codes: their shape, how typed and scanned input is read, that every registration
gets its own, and that a code is no way into the attendee's manage page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from starlette.applications import Starlette

from events_app.db import Database
from events_app.models import Registration
from events_app.registration import checkin_codes
from events_app.registration.checkin_codes import (
    ALPHABET,
    CODE_LENGTH,
    format_code,
    new_code,
    normalise_code,
    unused_code,
)
from events_app.registration.notify import Notifier
from events_app.registration.service import RESEND_COOLDOWN
from tests.factories import make_event
from tests.registration.helpers import register
from tests.registration.web_helpers import https_client


def test_codes_use_only_the_unambiguous_alphabet() -> None:
    assert not set("01OIL") & set(ALPHABET)
    codes = {new_code() for _ in range(500)}
    assert len(codes) == 500  # random: no repeats in a small sample
    for code in codes:
        assert len(code) == CODE_LENGTH
        assert set(code) <= set(ALPHABET)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("K7M4PQ2X", "K7M4PQ2X"),
        ("k7m4-pq2x", "K7M4PQ2X"),  # read off a phone and typed
        (" K7M4 PQ2X ", "K7M4PQ2X"),
        ("K7M4_PQ2X", "K7M4PQ2X"),
        ("K7M4-PQ2X\t", "K7M4PQ2X"),
        ("", None),
        ("K7M4-PQ2", None),  # too short
        ("K7M4-PQ2XY", None),  # too long
        ("K7M4-PQ20", None),  # 0 is not in the alphabet
        ("K7M4-PQ2Ö", None),
        ("K7M4-PQ2X" + " " * 40, None),  # not a code with spaces: refused before any work
        ("<script>", None),
    ],
)
def test_typed_and_scanned_input_is_forgiven_case_spaces_and_dashes(
    typed: str, stored: str | None
) -> None:
    assert normalise_code(typed) == stored


def test_a_code_is_printed_in_two_groups() -> None:
    assert format_code("K7M4PQ2X") == "K7M4-PQ2X"
    assert normalise_code(format_code("K7M4PQ2X")) == "K7M4PQ2X"


def test_every_registration_gets_its_own_code_which_a_repeat_keeps(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now)
    first, _ = register(db, now, notifier, event.id, "a@example.org")
    second, _ = register(db, now, notifier, event.id, "b@example.org")
    assert normalise_code(first.checkin_code) == first.checkin_code
    assert first.checkin_code != second.checkin_code
    # The same address again, later: the same manage link again, the same code.
    again, _ = register(db, now + RESEND_COOLDOWN, notifier, event.id, "a@example.org")
    assert again.id == first.id
    assert again.token_hash == first.token_hash
    assert again.checkin_code == first.checkin_code


def test_a_code_already_taken_is_drawn_again(
    db: Database, now: datetime, notifier: Notifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = make_event(db, now)
    taken, _ = register(db, now, notifier, event.id, "a@example.org")
    draws: Iterator[str] = iter([taken.checkin_code, taken.checkin_code, "ABCDEFGH"])
    monkeypatch.setattr(checkin_codes, "new_code", lambda: next(draws))
    with db.read() as session:
        assert unused_code(session=session) == "ABCDEFGH"


def test_a_broken_random_source_fails_loudly_rather_than_loop(
    db: Database, now: datetime, notifier: Notifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = make_event(db, now)
    taken, _ = register(db, now, notifier, event.id, "a@example.org")
    monkeypatch.setattr(checkin_codes, "new_code", lambda: taken.checkin_code)
    with db.read() as session, pytest.raises(RuntimeError):
        unused_code(session=session)


def test_a_code_opens_no_manage_page(
    app: Starlette, db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now, starts_at=now + timedelta(days=3))
    registration, token = register(db, now, notifier, event.id, "a@example.org")
    with https_client(app) as client:
        assert client.get(f"/r/{token}").status_code == 200
        for guess in (registration.checkin_code, format_code(registration.checkin_code)):
            assert client.get(f"/r/{guess}").status_code == 404
            assert client.get(f"/r/{guess}/data.json").status_code == 404
    with db.read() as session:
        stored = session.scalars(select(Registration)).one()
    assert registration.checkin_code not in (stored.token_hash, stored.token_nonce, token)
