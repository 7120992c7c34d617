"""Failed sign-ins: free at first, then a doubling wait, per (account, address) and per
address, moved by the clock (no sleeping). Nobody can lock an organiser out from other
addresses; a burst checks no more passwords than a sequence; a reset opens every door."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST
from sqlalchemy import func, select

from events_app.admin import login, throttle
from events_app.admin.passwords import DEFAULT_HASHER, accept_password, verify_password
from events_app.admin.users import reset_password
from events_app.clock import FrozenClock
from events_app.db import Database
from events_app.models import LoginThrottle, User
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.support.passwords import TEST_HASHER

MAX_DELAY = 900


@pytest.mark.parametrize(
    ("failures", "delay"),
    [(1, 0), (4, 0), (5, 1), (6, 2), (7, 4), (14, 512), (15, 900), (500, 900)],
)
def test_the_delay_doubles_after_five_failures_up_to_the_cap(failures: int, delay: int) -> None:
    assert throttle.delay_after(failures, max_delay=MAX_DELAY) == delay


def attempt(
    db: Database,
    clock: FrozenClock,
    email: str,
    password: str,
    client: str = "10.0.0.1",
    hasher: PasswordHasher = TEST_HASHER,
) -> login.Attempt:
    """One sign-in as the login view makes it: claim, check, then write a success."""
    now = clock.now()
    with db.write() as session:
        claimed = login.claim_attempt(
            session=session, now=now, email=email, client=client, max_delay=MAX_DELAY
        )
    if claimed.wait:
        return claimed
    with db.read() as session:
        result = login.check_password(
            session=session, attempt=claimed, email=email, password=password, hasher=hasher
        )
    if result.succeeded:
        with db.write() as session:
            login.record_login(session=session, now=now, attempt=result, max_delay=MAX_DELAY)
    return result


def test_five_failures_are_free_then_the_door_shuts_for_longer_each_time(
    db: Database, clock: FrozenClock
) -> None:
    make_user(db, clock.now(), email="ada@example.org")
    for _ in range(5):
        assert attempt(db, clock, "ada@example.org", "wrong").wait == 0
    # Shut for a second: even the right password is not checked.
    assert attempt(db, clock, "ada@example.org", DEFAULT_PASSWORD).wait == 1
    clock.advance(timedelta(seconds=1))
    assert attempt(db, clock, "ada@example.org", "wrong").wait == 0  # the sixth failure
    assert attempt(db, clock, "ada@example.org", "wrong").wait == 2
    clock.advance(timedelta(seconds=1))
    assert attempt(db, clock, "ada@example.org", "wrong").wait == 1  # refused, not counted
    clock.advance(timedelta(seconds=1))
    assert attempt(db, clock, "ada@example.org", "wrong").wait == 0  # the seventh
    assert attempt(db, clock, "ada@example.org", "wrong").wait == 4


def test_a_success_forgets_the_accounts_failures_but_not_the_addresss(
    db: Database, clock: FrozenClock
) -> None:
    make_user(db, clock.now(), email="ada@example.org")
    for _ in range(4):
        attempt(db, clock, "ada@example.org", "wrong")
    assert attempt(db, clock, "ada@example.org", DEFAULT_PASSWORD).succeeded
    # The pair starts afresh; the address keeps its four failures, and sixteen more (on any
    # account) shut it.
    for number in range(throttle.CLIENT_FREE_FAILURES - 4):
        assert attempt(db, clock, f"mallory{number}@example.org", "wrong").wait == 0
    assert attempt(db, clock, "ada@example.org", DEFAULT_PASSWORD).wait == 1
    assert attempt(db, clock, "ada@example.org", DEFAULT_PASSWORD, client="10.0.0.2").succeeded


def test_one_address_trying_many_accounts_is_slowed_down(db: Database, clock: FrozenClock) -> None:
    for number in range(throttle.CLIENT_FREE_FAILURES):
        attempt(db, clock, f"user{number}@example.org", "password1234")
    assert attempt(db, clock, "someone@example.org", "password1234").wait == 1
    # The accounts themselves were each tried once: from elsewhere they are open.
    assert attempt(db, clock, "user0@example.org", "x", client="10.9.9.9").wait == 0


def test_failures_from_other_addresses_never_lock_the_organiser_out(
    db: Database, clock: FrozenClock
) -> None:
    """Wrong passwords from rotating addresses (as many as an attacker likes, renewed as often
    as they like) never make the right password wait."""
    make_user(db, clock.now(), email="ada@example.org")
    for round_ in range(3):
        for number in range(40):
            attempt(db, clock, "ada@example.org", "wrong", client=f"10.{round_}.0.{number}")
        result = attempt(db, clock, "ADA@example.org", DEFAULT_PASSWORD, client="192.0.2.7")
        assert (result.wait, result.succeeded) == (0, True)
        clock.advance(timedelta(minutes=5))


def test_one_address_guessing_one_account_is_slowed_down(db: Database, clock: FrozenClock) -> None:
    make_user(db, clock.now(), email="ada@example.org")
    for _ in range(5):
        attempt(db, clock, "ada@example.org", "wrong", client="203.0.113.9")
    assert attempt(db, clock, "ada@example.org", "wrong", client="203.0.113.9").wait == 1


def test_reset_password_opens_every_door_of_the_account(db: Database, clock: FrozenClock) -> None:
    make_user(db, clock.now(), email="ada@example.org")
    failures = 0
    while failures < 12:  # the owner, mistyping, waiting each time the door shuts
        wait = attempt(db, clock, "ada@example.org", "wrong").wait
        clock.advance(timedelta(seconds=wait))
        failures += not wait
    assert attempt(db, clock, "ada@example.org", DEFAULT_PASSWORD).wait > 60
    new_password = accept_password(
        "a completely new passphrase here", user_inputs=[], hasher=TEST_HASHER
    )
    with db.write() as session:
        reset_password(
            session=session, now=clock.now(), actor=None, email="ada@example.org",
            password=new_password,
        )  # fmt: skip
    result = attempt(db, clock, "ada@example.org", "a completely new passphrase here")
    assert result.succeeded


def test_a_burst_checks_no_more_passwords_than_a_sequence(
    database_url: str, db: Database, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Thirty simultaneous wrong passwords: each is counted before its password is checked,
    so the door shuts after the fifth however they interleave."""
    make_user(db, clock.now(), email="ada@example.org")
    checked: list[str] = []
    real_verify = login.verify_password
    lock = threading.Lock()

    def counting_verify(stored: str | None, password: str, **options: Any) -> bool:
        with lock:
            checked.append(password)
        return real_verify(stored, password, **options)

    monkeypatch.setattr(login, "verify_password", counting_verify)
    start = threading.Barrier(30)

    def one(number: int) -> int:
        database = Database.from_url(database_url)
        try:
            start.wait()
            return attempt(database, clock, "ada@example.org", f"wrong{number}").wait
        finally:
            database.dispose()

    with ThreadPoolExecutor(max_workers=30) as pool:
        waits = list(pool.map(one, range(30)))

    assert len(checked) == throttle.FREE_FAILURES
    assert sum(1 for wait in waits if wait == 0) == throttle.FREE_FAILURES


def test_an_hour_without_failures_forgets_them_and_their_rows(
    db: Database, clock: FrozenClock
) -> None:
    for _ in range(9):
        clock.advance(timedelta(minutes=5))
        attempt(db, clock, "ada@example.org", "wrong")
    clock.advance(throttle.FORGET_AFTER + timedelta(seconds=1))
    attempt(db, clock, "bob@example.org", "wrong")  # any failure sweeps the stale rows
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(LoginThrottle)) == 2  # bob's two
    for _ in range(4):
        attempt(db, clock, "ada@example.org", "wrong", client="10.0.0.7")
    assert attempt(db, clock, "ada@example.org", "wrong", client="10.0.0.7").wait == 0


def test_unknown_inactive_and_wrong_are_one_answer(db: Database, clock: FrozenClock) -> None:
    make_user(db, clock.now(), email="gone@example.org", active=False)
    make_user(db, clock.now(), email="ada@example.org")
    for email, password in [
        ("nobody@example.org", DEFAULT_PASSWORD),
        ("gone@example.org", DEFAULT_PASSWORD),
        ("ada@example.org", "wrong"),
        ("not an address", DEFAULT_PASSWORD),
    ]:
        result = attempt(db, clock, email, password, client=email)
        assert (result.wait, result.user, result.succeeded) == (0, None, False)


def test_signing_in_stamps_the_time_and_upgrades_an_old_hash(
    db: Database, clock: FrozenClock
) -> None:
    user = make_user(db, clock.now(), email="ada@example.org")
    weak = PasswordHasher.from_parameters(CHEAPEST).hash(DEFAULT_PASSWORD)
    with db.write() as session:
        stored = session.get(User, user.id)
        assert stored is not None
        stored.password_hash = weak
    clock.advance(timedelta(hours=1))
    assert attempt(db, clock, "ada@example.org", DEFAULT_PASSWORD, hasher=DEFAULT_HASHER).succeeded
    with db.read() as session:
        stored = session.get(User, user.id)
    assert stored is not None
    assert stored.last_login_at == clock.now()
    assert stored.password_hash != weak
    assert "m=65536" in stored.password_hash
    assert verify_password(stored.password_hash, DEFAULT_PASSWORD)


def test_a_password_changed_during_the_check_wins(db: Database, clock: FrozenClock) -> None:
    user = make_user(db, clock.now(), email="ada@example.org")
    with db.write() as session:
        claimed = login.claim_attempt(
            session=session, now=clock.now(), email="ada@example.org", client="10.0.0.1",
            max_delay=MAX_DELAY,
        )  # fmt: skip
    with db.read() as session:
        checked = login.check_password(
            session=session, attempt=claimed, email="ada@example.org", password=DEFAULT_PASSWORD,
            hasher=TEST_HASHER,
        )  # fmt: skip
    with db.write() as session:
        stored = session.get(User, user.id)
        assert stored is not None
        stored.password_hash = TEST_HASHER.hash("a brand new passphrase")
    with db.write() as session:
        assert (
            login.record_login(
                session=session, now=clock.now(), attempt=checked, max_delay=MAX_DELAY
            )
            is None
        )
