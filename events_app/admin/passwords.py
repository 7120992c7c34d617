"""Passwords: what a new one must be, and argon2id hashes of it.

A new password is at least MIN_LENGTH characters and not among the commonest passwords nor
close to one. zxcvbn judges the second: it knows the ~30,000 commonest passwords, common
words and names, keyboard walks, dates and repeats, and the user's own email and name, and
gives a score from 0 to 4. We ask for 3 ("safely unguessable: moderate protection from an
offline attack on a slow hash"), its authors' advice for sites that hash well.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

from events_app.config import Settings

MIN_LENGTH = 12
MAX_LENGTH = 1024  # hashing has a cost per byte: no megabyte passwords
MIN_STRENGTH = 3
# zxcvbn's own limit (its matching is slow on long input); a long password's first 72
# characters being weak is reason enough to refuse it.
STRENGTH_CHECKED_CHARACTERS = 72

# RFC 9106's "low memory" profile (argon2id, 64 MiB, 3 passes): argon2-cffi's default, and
# the settings' default. The app hashes with `hasher_for(settings)`; stored hashes made with
# other parameters are upgraded at their owner's next sign-in.
DEFAULT_HASHER = PasswordHasher()


def hasher_for(settings: Settings) -> PasswordHasher:
    """The argon2id hasher the settings ask for (EVENTS_PASSWORD_HASH_*): one per parameter
    set, so its dummy hash (below) is made once."""
    return _hasher(
        settings.password_hash_time_cost,
        settings.password_hash_memory_kib,
        settings.password_hash_parallelism,
    )


@cache
def _hasher(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)


class PasswordRefused(ValueError):
    """`code` says why, for the form or the command line: too_short, too_long, too_common."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class NewPassword:
    """A password that passed the policy, already hashed. Made only by `accept_password`, so a
    service that takes one cannot be handed a password nobody checked; and the slow hashing
    happens before any write transaction opens."""

    hash: str


def password_problem(password: str, *, user_inputs: Iterable[str] = ()) -> str | None:
    if len(password) < MIN_LENGTH:
        return "too_short"
    if len(password) > MAX_LENGTH:
        return "too_long"
    hints = [hint for hint in user_inputs if hint]
    result = zxcvbn(password[:STRENGTH_CHECKED_CHARACTERS], user_inputs=hints)
    if int(result["score"]) < MIN_STRENGTH:
        return "too_common"
    return None


def accept_password(
    password: str, *, user_inputs: Iterable[str] = (), hasher: PasswordHasher = DEFAULT_HASHER
) -> NewPassword:
    """Check a new password (against the user's own email and name too) and hash it.
    Raises PasswordRefused."""
    problem = password_problem(password, user_inputs=user_inputs)
    if problem is not None:
        raise PasswordRefused(problem)
    return NewPassword(hasher.hash(password))


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    """Checked against when no account matches, so that an unknown address takes as long to
    refuse as a wrong password: the time of the answer must not say which addresses exist.
    Made by the same hasher as real hashes, so it costs the same."""
    return hasher.hash("no account has this password")


def verify_password(
    password_hash: str | None, password: str, *, hasher: PasswordHasher = DEFAULT_HASHER
) -> bool:
    """Whether `password` matches; with no hash (no such account) it still does the work.
    A stored hash carries its own parameters; `hasher` matters only for the dummy."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        stored = password_hash or _dummy_hash(hasher)
        return hasher.verify(stored, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def rehashed(
    password_hash: str, password: str, *, hasher: PasswordHasher = DEFAULT_HASHER
) -> str | None:
    """A new hash of a password just verified, when its stored hash was made with other
    parameters than `hasher`'s; None when it is current."""
    if hasher.check_needs_rehash(password_hash):
        return hasher.hash(password)
    return None
