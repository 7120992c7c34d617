"""Failed sign-ins slow the next attempts down, per account and per client address.

After FREE_FAILURES failures, each further failure shuts the door for 2^(n - FREE_FAILURES)
seconds (n: failures so far), up to a cap (EVENTS_ADMIN_LOGIN_MAX_DELAY_SECONDS): 1 s after
the fifth, 2 s after the sixth, ... Attempts while the door is shut are refused unchecked and
not counted. An hour without failures forgets them. A success forgets the account's failures
but not the address's: otherwise one valid account would let its owner try passwords on
every other account from the same address without ever slowing down.

Why a database table rather than the `limits` store the registration form uses: the delay
depends on the count and on when the last failure was, and must be read against the app's
clock (tests move a FrozenClock; `limits` reads the system's time). It is shared by every
process with or without Redis (`limits` in memory is per process: `serve --workers 4` would
give four times the attempts), and survives restarts. Failures are rare, so one small write
each costs nothing; an attacker's refused attempts cost a read.

Concurrent attempts that all pass the check before any failure is written are each counted
afterwards: they raise the delay at once, so the door still shuts within one round.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from events_app.models import LoginThrottle

FREE_FAILURES = 5
FORGET_AFTER = timedelta(hours=1)
_MAX_EXPONENT = 30  # 2^30 s is far beyond any cap: stop there instead of making huge numbers


def throttle_key(kind: str, value: str) -> str:
    """A fixed-length key that does not keep typed addresses or client addresses in clear."""
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def account_key(email: str) -> str:
    return throttle_key("account", email.strip().lower())


def client_key(address: str) -> str:
    return throttle_key("client", address)


def delay_after(failures: int, *, max_delay: int) -> int:
    """Seconds the door stays shut after the `failures`-th failure in a row."""
    if failures < FREE_FAILURES:
        return 0
    return min(max_delay, 2 ** min(failures - FREE_FAILURES, _MAX_EXPONENT))


def _rows(session: Session, keys: Sequence[str], *, lock: bool = False) -> list[LoginThrottle]:
    query = select(LoginThrottle).where(col(LoginThrottle.key).in_(keys))
    if lock:
        # PostgreSQL waits for another process counting the same key, then reads its count;
        # SQLite's write transaction already holds the database's lock.
        query = query.with_for_update().execution_options(populate_existing=True)
    return list(session.scalars(query).all())


def seconds_to_wait(*, session: Session, now: datetime, keys: Sequence[str]) -> int:
    """0 when an attempt may be made now; otherwise how long until every key allows one."""
    ends = [row.blocked_until for row in _rows(session, keys) if row.blocked_until]
    latest = max(ends, default=None)
    if latest is None or latest <= now:
        return 0
    return max(1, int(-(-(latest - now).total_seconds() // 1)))


def record_failure(*, session: Session, now: datetime, keys: Sequence[str], max_delay: int) -> None:
    """Count one failure for each key (inside a write transaction)."""
    # Forget stale counts first, then make sure every key has a row (two processes may both
    # be adding the same one: the database decides, neither fails).
    session.execute(
        delete(LoginThrottle).where(col(LoginThrottle.last_failed_at) < now - FORGET_AFTER)
    )
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    fresh = [{"key": key, "failures": 0, "last_failed_at": now} for key in keys]
    session.execute(dialect.insert(LoginThrottle).values(fresh).on_conflict_do_nothing())
    for row in _rows(session, keys, lock=True):
        row.failures += 1
        row.last_failed_at = now
        delay = delay_after(row.failures, max_delay=max_delay)
        row.blocked_until = now + timedelta(seconds=delay) if delay else None
    session.flush()


def forget(*, session: Session, keys: Sequence[str]) -> None:
    session.execute(delete(LoginThrottle).where(col(LoginThrottle.key).in_(keys)))
