"""The session cookie's value: signed, bound to a user and version, and ageing by the clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from itsdangerous import URLSafeSerializer

from events_app.admin.sessions import SessionClaim, issue_session, read_session

KEY = "k" * 40
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
DAY = timedelta(hours=24)


def test_a_value_reads_back_until_it_is_too_old() -> None:
    value = issue_session(KEY, user_id=3, version=2, now=NOW)
    claim = read_session(KEY, value, now=NOW + DAY - timedelta(seconds=1), max_age=DAY)
    assert claim == SessionClaim(user_id=3, version=2, issued_at=NOW)
    assert read_session(KEY, value, now=NOW + DAY, max_age=DAY) is None


def test_every_sign_in_gets_a_new_value() -> None:
    values = {issue_session(KEY, user_id=3, version=2, now=NOW) for _ in range(20)}
    assert len(values) == 20


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "garbage",
        issue_session("another-key-" + "y" * 30, user_id=3, version=2, now=NOW),
        URLSafeSerializer(KEY, salt="events-csrf").dumps({"u": 3, "v": 2, "t": 0}),
        URLSafeSerializer(KEY, salt="events-admin-session").dumps({"u": "3", "v": 2, "t": 0}),
        URLSafeSerializer(KEY, salt="events-admin-session").dumps({"u": True, "v": 2, "t": 0}),
        URLSafeSerializer(KEY, salt="events-admin-session").dumps([3, 2]),
        "x" * 400,
    ],
    # Named, not shown: the session value holds a random nonce, and pytest-xdist's workers
    # must collect the same test ids.
    ids=[
        "none",
        "empty",
        "garbage",
        "other-key",
        "csrf-salt",
        "user-id-text",
        "user-id-bool",
        "list",
        "long",
    ],
)
def test_anything_else_names_nobody(value: str | None) -> None:
    assert read_session(KEY, value, now=NOW, max_age=DAY) is None


def test_an_edited_value_names_nobody() -> None:
    value = issue_session(KEY, user_id=3, version=2, now=NOW)
    payload, signature = value.rsplit(".", 1)
    assert read_session(KEY, payload + "." + signature[::-1], now=NOW, max_age=DAY) is None


def test_a_value_from_the_future_is_refused_beyond_a_minute_of_skew() -> None:
    value = issue_session(KEY, user_id=3, version=2, now=NOW + timedelta(seconds=30))
    assert read_session(KEY, value, now=NOW, max_age=DAY) is not None
    value = issue_session(KEY, user_id=3, version=2, now=NOW + timedelta(minutes=5))
    assert read_session(KEY, value, now=NOW, max_age=DAY) is None
