"""Failed sign-ins: free at first, then a doubling wait, per account and per address, moved
by the clock (no sleeping)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST
from sqlalchemy import func, select

from events_app.admin import login, throttle
from events_app.admin.passwords import DEFAULT_HASHER, verify_password
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
    """One sign-in as the login view makes it: check, then write the outcome."""
    now = clock.now()
    with db.read() as session:
        result = login.check_credentials(
            session=session, now=now, email=email, password=password, client=client, hasher=hasher
        )
    if result.wait:
        return result
    with db.write() as session:
        if result.succeeded:
            login.record_login(session=session, now=now, attempt=result)
        else:
            login.record_failure(session=session, now=now, attempt=result, max_delay=MAX_DELAY)
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
    # The account starts afresh; the address has four failures, and a fifth shuts it.
    attempt(db, clock, "mallory@example.org", "wrong")
    assert attempt(db, clock, "ada@example.org", DEFAULT_PASSWORD).wait == 1
    assert attempt(db, clock, "ada@example.org", DEFAULT_PASSWORD, client="10.0.0.2").succeeded


def test_one_address_trying_many_accounts_is_slowed_down(db: Database, clock: FrozenClock) -> None:
    for number in range(5):
        attempt(db, clock, f"user{number}@example.org", "password1234")
    assert attempt(db, clock, "someone@example.org", "password1234").wait == 1
    # The accounts themselves were each tried once: from elsewhere they are open.
    assert attempt(db, clock, "user0@example.org", "x", client="10.9.9.9").wait == 0


def test_many_addresses_trying_one_account_are_slowed_down(
    db: Database, clock: FrozenClock
) -> None:
    make_user(db, clock.now(), email="ada@example.org")
    for number in range(5):
        attempt(db, clock, "ada@example.org", "wrong", client=f"10.0.0.{number}")
    assert attempt(db, clock, "ADA@example.org", DEFAULT_PASSWORD, client="10.0.1.1").wait == 1


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
    with db.read() as session:
        checked = login.check_credentials(
            session=session, now=clock.now(), email="ada@example.org",
            password=DEFAULT_PASSWORD, client="10.0.0.1", hasher=TEST_HASHER,
        )  # fmt: skip
    with db.write() as session:
        stored = session.get(User, user.id)
        assert stored is not None
        stored.password_hash = TEST_HASHER.hash("a brand new passphrase")
    with db.write() as session:
        assert login.record_login(session=session, now=clock.now(), attempt=checked) is None
