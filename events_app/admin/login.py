"""Signing in: the attempt claimed against the throttle, the password checked, then the
outcome written down.

The claim counts the attempt as a failure in advance, in a short write transaction (see
throttle.py: so a burst cannot overshoot). The password check reads only, and runs outside
any write transaction: argon2 takes a tenth of a second on purpose, and SQLite's write lock
must not be held that long. A success is then written in a short transaction of its own
(`record_login`, or `settle` where no one signs in).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from sqlmodel import Session

from events_app.admin import throttle
from events_app.admin.passwords import DEFAULT_HASHER, rehashed, verify_password
from events_app.admin.users import find_user_by_email
from events_app.models import User

_FREE = (throttle.FREE_FAILURES, throttle.CLIENT_FREE_FAILURES)


@dataclass(frozen=True)
class Attempt:
    keys: tuple[str, ...]  # the throttle keys: the (account, address) pair first
    wait: int = 0  # > 0: refused unchecked, try again in this many seconds
    user: User | None = None  # the right password for an active account
    new_hash: str | None = None  # the password hashed with today's parameters, when needed

    @property
    def succeeded(self) -> bool:
        return self.user is not None


def claim_attempt(
    *, session: Session, now: datetime, email: str, client: str, max_delay: int
) -> Attempt:
    """Inside a write transaction: may this attempt be checked now? If so it is counted as a
    failure already (a success takes it back)."""
    keys = (throttle.pair_key(email, client), throttle.client_key(client))
    doors = dict(zip(keys, _FREE, strict=True))
    wait = throttle.claim(session=session, now=now, keys=doors, max_delay=max_delay)
    return Attempt(keys=keys, wait=wait)


def check_password(
    *,
    session: Session,
    attempt: Attempt,
    email: str,
    password: str,
    hasher: PasswordHasher = DEFAULT_HASHER,
) -> Attempt:
    """Whether `password` is right for the active account at `email`. An unknown address, a
    deactivated account and a wrong password are one and the same answer, and take as long.
    `hasher` (the app's: `passwords.hasher_for(settings)`) makes the dummy and new hashes."""
    assert not attempt.wait
    user = find_user_by_email(session=session, email=email)
    stored = user.password_hash if user is not None else None
    if not verify_password(stored, password, hasher=hasher) or user is None or not user.active:
        return attempt
    assert stored is not None
    return Attempt(keys=attempt.keys, user=user, new_hash=rehashed(stored, password, hasher=hasher))


def settle(*, session: Session, now: datetime, attempt: Attempt, max_delay: int) -> None:
    """A right password: the pair's failures are forgotten, the claim's count taken back."""
    pair, client = attempt.keys
    others = {client: throttle.CLIENT_FREE_FAILURES}
    throttle.settle_success(session=session, now=now, pair=pair, others=others, max_delay=max_delay)


def record_login(
    *, session: Session, now: datetime, attempt: Attempt, max_delay: int
) -> User | None:
    """The signed-in user, as the database has it now. Settles the throttle, and stores the
    upgraded hash if there is one."""
    assert attempt.user is not None
    settle(session=session, now=now, attempt=attempt, max_delay=max_delay)
    user = session.get(User, attempt.user.id)
    if user is None or not user.active or user.password_hash != attempt.user.password_hash:
        return None  # deactivated, or given a new password, since the check
    user.last_login_at = now
    if attempt.new_hash is not None:
        user.password_hash = attempt.new_hash
    return user
