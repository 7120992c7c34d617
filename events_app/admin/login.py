"""Signing in: a password checked against the throttle, then the outcome written down.

The check reads only, and runs outside any write transaction: argon2 takes a tenth of a
second on purpose, and SQLite's write lock must not be held that long. The outcome is then
written in a short transaction of its own (`record_failure` or `record_login`).
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


@dataclass(frozen=True)
class Attempt:
    keys: tuple[str, ...]  # the throttle keys this attempt counts against
    wait: int = 0  # > 0: refused unchecked, try again in this many seconds
    user: User | None = None  # the right password for an active account
    new_hash: str | None = None  # the password hashed with today's parameters, when needed

    @property
    def succeeded(self) -> bool:
        return self.user is not None


def check_credentials(
    *,
    session: Session,
    now: datetime,
    email: str,
    password: str,
    client: str,
    hasher: PasswordHasher = DEFAULT_HASHER,
) -> Attempt:
    """Whether `password` is right for the active account at `email`. An unknown address, a
    deactivated account and a wrong password are one and the same answer, and take as long.
    `hasher` (the app's: `passwords.hasher_for(settings)`) makes the dummy and new hashes."""
    keys = (throttle.account_key(email), throttle.client_key(client))
    wait = throttle.seconds_to_wait(session=session, now=now, keys=keys)
    if wait:
        return Attempt(keys=keys, wait=wait)
    user = find_user_by_email(session=session, email=email)
    stored = user.password_hash if user is not None else None
    if not verify_password(stored, password, hasher=hasher) or user is None or not user.active:
        return Attempt(keys=keys)
    assert stored is not None
    return Attempt(keys=keys, user=user, new_hash=rehashed(stored, password, hasher=hasher))


def record_failure(*, session: Session, now: datetime, attempt: Attempt, max_delay: int) -> None:
    throttle.record_failure(session=session, now=now, keys=attempt.keys, max_delay=max_delay)


def record_login(*, session: Session, now: datetime, attempt: Attempt) -> User | None:
    """The signed-in user, as the database has it now. Forgets the account's failures, and
    stores the upgraded hash if there is one."""
    assert attempt.user is not None
    user = session.get(User, attempt.user.id)
    if user is None or not user.active or user.password_hash != attempt.user.password_hash:
        return None  # deactivated, or given a new password, since the check
    throttle.forget(session=session, keys=attempt.keys[:1])
    user.last_login_at = now
    if attempt.new_hash is not None:
        user.password_hash = attempt.new_hash
    return user
