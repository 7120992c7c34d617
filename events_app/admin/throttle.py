"""Failed sign-ins slow the next attempts down, per (account, client address) and per client
address.

After FREE_FAILURES failures, each further failure shuts the door for 2^(n - FREE_FAILURES)
seconds (n: failures so far), up to a cap (EVENTS_ADMIN_LOGIN_MAX_DELAY_SECONDS): 1 s after
the fifth, 2 s after the sixth, ... Attempts while the door is shut are refused unchecked and
not counted. An hour without failures forgets them. A success forgets the failures of its
(account, address) pair but not the address's: otherwise one valid account would let its
owner try passwords on every other account from the same address without ever slowing down.

There is no door per account alone: then wrong passwords from rotating addresses would lock
the organiser out (renewably, for as long as the attacker likes). Guessing one account from
many addresses is instead bounded by each address's own door, by argon2's cost and by the
password rules (passwords.py). `events-app admin reset-password` forgets every door of the
account.

Each attempt is counted as a failure *before* its password is checked (`claim`), in a write
transaction that first locks the rows: concurrent attempts queue on the lock, and the sixth
of a burst of thirty already finds the door shut, so a burst checks at most FREE_FAILURES
passwords. A success then takes its own count back (`settle_success`).

Why a database table rather than the `limits` store the registration form uses: the delay
depends on the count and on when the last failure was, and must be read against the app's
clock (tests move a FrozenClock; `limits` reads the system's time). It is shared by every
process with or without Redis (`limits` in memory is per process: `serve --workers 4` would
give four times the attempts), and survives restarts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from events_app.models import LoginThrottle
from events_app.row_locks import locked

FREE_FAILURES = 5  # per (account, address)
# Per address, across accounts: higher, so that an organiser who mistyped their own password
# meets their pair's door first, which `reset-password` opens; an address trying many
# accounts still meets this one soon.
CLIENT_FREE_FAILURES = 20
FORGET_AFTER = timedelta(hours=1)
_MAX_EXPONENT = 30  # 2^30 s is far beyond any cap: stop there instead of making huge numbers


def throttle_key(kind: str, value: str) -> str:
    """A fixed-length key that does not keep typed addresses or client addresses in clear."""
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def account_key(email: str) -> str:
    return throttle_key("account", email.strip().lower())


def pair_key(email: str, address: str) -> str:
    """(account, client address), prefixed by half the account's key so that every pair of
    an account can be found (and forgotten) without keeping the address in clear."""
    account = email.strip().lower()
    return account_key(account)[:32] + throttle_key("pair", f"{account}|{address}")[:32]


def client_key(address: str) -> str:
    return throttle_key("client", address)


def delay_after(failures: int, *, max_delay: int, free: int = FREE_FAILURES) -> int:
    """Seconds the door stays shut after the `failures`-th failure in a row."""
    if failures < free:
        return 0
    return min(max_delay, 2 ** min(failures - free, _MAX_EXPONENT))


def _locked_rows(session: Session, keys: Sequence[str]) -> list[LoginThrottle]:
    # PostgreSQL waits for another process counting the same key, then reads its count
    # (populate_existing: not the one this session may have read before); SQLite's write
    # transaction already holds the database's lock.
    query = select(LoginThrottle).where(col(LoginThrottle.key).in_(keys))
    query = locked(session, query).execution_options(populate_existing=True)
    return list(session.scalars(query).all())


def _ensure_rows(session: Session, now: datetime, keys: Sequence[str]) -> list[LoginThrottle]:
    """Every key's row, locked. Stale counts are forgotten first; two processes may both be
    adding the same row: the database decides, neither fails."""
    session.execute(
        delete(LoginThrottle).where(col(LoginThrottle.last_failed_at) < now - FORGET_AFTER)
    )
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    fresh = [{"key": key, "failures": 0, "last_failed_at": now} for key in keys]
    session.execute(dialect.insert(LoginThrottle).values(fresh).on_conflict_do_nothing())
    return _locked_rows(session, keys)


def _count(row: LoginThrottle, now: datetime, change: int, max_delay: int, free: int) -> None:
    row.failures = max(0, row.failures + change)
    row.last_failed_at = now
    delay = delay_after(row.failures, max_delay=max_delay, free=free)
    row.blocked_until = now + timedelta(seconds=delay) if delay else None


def claim(*, session: Session, now: datetime, keys: Mapping[str, int], max_delay: int) -> int:
    """Inside a write transaction: 0, and one failure counted for every key in advance (the
    password is checked afterwards); or, while a door is shut, the seconds to wait, and
    nothing counted. `keys`: each key and its free failures."""
    rows = _ensure_rows(session, now, list(keys))
    ends = [row.blocked_until for row in rows if row.blocked_until]
    latest = max(ends, default=None)
    if latest is not None and latest > now:
        return max(1, int(-(-(latest - now).total_seconds() // 1)))
    for row in rows:
        _count(row, now, +1, max_delay, keys[row.key])
    session.flush()
    return 0


def settle_success(
    *, session: Session, now: datetime, pair: str, others: Mapping[str, int], max_delay: int
) -> None:
    """The password was right: forget the pair's failures, and take back the failure that
    `claim` counted in advance for the other keys."""
    forget(session=session, keys=[pair])
    for row in _locked_rows(session, list(others)):
        _count(row, now, -1, max_delay, others[row.key])
    session.flush()


def forget(*, session: Session, keys: Sequence[str]) -> None:
    session.execute(delete(LoginThrottle).where(col(LoginThrottle.key).in_(keys)))


def forget_account(*, session: Session, email: str) -> None:
    """Every door of one account, whichever address it was tried from."""
    key = account_key(email)
    session.execute(
        delete(LoginThrottle).where(
            (col(LoginThrottle.key) == key) | col(LoginThrottle.key).startswith(key[:32])
        )
    )
