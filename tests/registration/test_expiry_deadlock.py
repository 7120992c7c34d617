"""Hold expiry must not deadlock against registrations on PostgreSQL (issue 13, defect 1).

Every seat write used to take its event's row lock and then the single site_state row, and
the worker expired every event's lapsed holds in one transaction: it locked event 1, updated
site_state, then waited for event 2's lock while still holding site_state, and a
registration holding event 2 and waiting for site_state closed the cycle. This file first
proved that load produced the deadlock with the old order. Since issue 11 seat writes take no
shared row at all (registration/seat_state.py), so that order no longer deadlocks either and
the proof is gone; what stays is the load itself, under which the worker's expiry (one short
transaction per event) and the registrations must all go through.

PostgreSQL only: SQLite's BEGIN IMMEDIATE serialises all writers, so it cannot deadlock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

import psycopg.errors
import pytest
from sqlalchemy.exc import OperationalError

from events_app.db import Database
from events_app.registration.notify import Notifier
from events_app.registration.service import events_with_lapsed_holds
from tests.factories import make_event
from tests.registration.helpers import HOLD, expire_holds, register, statuses
from tests.support.routes import site_urls
from tests.support.settings import make_settings

EVENTS = 30
REGISTRATIONS = 90  # the reproduction: 30 events, 90 registrations
THREADS = 10

Expiry = Callable[[Database, datetime, Notifier], int]


class SlowNotifier(Notifier):
    """Writing each email takes a few milliseconds, as rendering one does in production, so
    that transactions overlap the way they do under real load."""

    def notify(self, **kwargs: Any) -> None:
        threading.Event().wait(0.003)
        super().notify(**kwargs)


def is_deadlock(exc: BaseException) -> bool:
    return isinstance(exc, OperationalError) and isinstance(
        exc.orig, psycopg.errors.DeadlockDetected
    )


def race(db: Database, now: datetime, notifier: Notifier, expire: Expiry) -> list[BaseException]:
    """REGISTRATIONS registrations spread over the events, while the worker expires holds
    round after round (at a `now` at which every pending hold has lapsed). Returns every
    error, from registrations and from worker rounds."""
    event_ids = [make_event(db, now, slug=f"e{i}", capacity=1000).id for i in range(EVENTS)]
    for event_id in event_ids:  # every event starts with a lapsed hold: the worker has work
        register(db, now, notifier, event_id, f"early{event_id}@example.org")
    later = now + HOLD + timedelta(minutes=1)
    errors: list[BaseException] = []
    done = threading.Event()

    def worker() -> None:
        while not done.is_set():
            try:
                expire(db, later, notifier)
            except Exception as exc:
                errors.append(exc)

    def one(index: int) -> None:
        register(db, now, notifier, event_ids[index % EVENTS], f"p{index}@example.org")

    expiring = threading.Thread(target=worker)
    expiring.start()
    try:
        with ThreadPoolExecutor(THREADS) as pool:
            futures = [pool.submit(one, index) for index in range(REGISTRATIONS)]
        errors += [exc for f in futures if (exc := f.exception()) is not None]
    finally:
        done.set()
        expiring.join(timeout=120)
    return errors


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_the_worker_expires_holds_without_deadlocks(
    db: Database, database_url: str, now: datetime
) -> None:
    notifier_settings = make_settings(database_url)
    notifier = SlowNotifier(notifier_settings, site_urls(notifier_settings))
    errors = race(db, now, notifier, expire_holds)
    assert errors == []
    # Every registration went through, and a last round expires every hold it left.
    later = now + HOLD + timedelta(minutes=1)
    expire_holds(db, later, notifier)
    with db.read() as session:
        assert events_with_lapsed_holds(session=session, now=later) == []
    counts = [len(statuses(db, event_id)) for event_id in range(1, EVENTS + 1)]
    assert sum(counts) == EVENTS + REGISTRATIONS
