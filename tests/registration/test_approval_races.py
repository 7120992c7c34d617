"""Organisers approving at the same moment never overbook: every approval counts seats under
the event's lock (registration/approval.py through service.lock_event), as registering and
confirming do. The second test takes the locks away and shows that the race is real, so the
first one can fail (PostgreSQL: without FOR UPDATE, concurrent approvals count the same free
seats; SQLite without BEGIN IMMEDIATE fails writers instead, which proves nothing)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import col

from events_app.db import Database
from events_app.models import Registration, User
from events_app.registration import approval, service
from events_app.registration.notify import Notifier
from events_app.registration.schemas import RegistrationCreate
from events_app.registration.seats import SEATED
from tests.factories import make_event, make_user
from tests.registration.helpers import HOLD, confirm
from tests.support.routes import site_urls
from tests.support.row_locks import without_row_locks
from tests.support.settings import make_settings

CAPACITY = 10
PEOPLE = 24  # every third brings two guests: 40 seats asked for, 10 to give
THREADS = 8


class SlowNotifier(Notifier):
    """Writing an email takes a moment, so that approvals overlap as they do under load."""

    def notify(self, **kwargs: Any) -> None:
        threading.Event().wait(0.003)
        super().notify(**kwargs)


def _awaiting_event(db: Database, now: datetime, notifier: Notifier) -> tuple[int, list[int]]:
    event = make_event(db, now, capacity=CAPACITY, max_guests=2, approval_required=True)
    assert event.id is not None
    ids = []
    for number in range(PEOPLE):
        data = RegistrationCreate(
            name=f"P {number}", email=f"p{number}@example.org", consent=True,
            guests=2 if number % 3 == 0 else 0,
        )  # fmt: skip
        with db.write() as session:
            outcome = service.register_attendee(
                session=session, now=now, event_id=event.id, data=data, notifier=notifier,
                hold=HOLD,
            )  # fmt: skip
            token = notifier.token(outcome.registration)
        ids.append(confirm(db, now, notifier, token).id)
    return event.id, [registration_id for registration_id in ids if registration_id is not None]


def _approve_all_at_once(
    db: Database, now: datetime, notifier: Notifier, user: User, event_id: int, ids: list[int]
) -> list[BaseException]:
    start = threading.Barrier(THREADS)

    def approve(chunk: list[int]) -> None:
        start.wait()
        for registration_id in chunk:
            with db.write() as session:
                approval.approve(
                    session=session, now=now, actor=user, event_id=event_id,
                    registration_id=registration_id, notifier=notifier,
                )  # fmt: skip

    chunks = [ids[index::THREADS] for index in range(THREADS)]
    with ThreadPoolExecutor(THREADS) as pool:
        futures = [pool.submit(approve, chunk) for chunk in chunks]
    return [exc for future in futures if (exc := future.exception()) is not None]


def _seats_taken(db: Database, event_id: int) -> tuple[int, dict[str, int]]:
    with db.read() as session:
        rows = session.scalars(
            select(Registration).where(col(Registration.event_id) == event_id)
        ).all()
    counts: dict[str, int] = {}
    for registration in rows:
        counts[str(registration.status)] = counts.get(str(registration.status), 0) + 1
    return sum(1 + r.guests for r in rows if r.status in SEATED), counts


def _slow_notifier(database_url: str) -> Notifier:
    settings = make_settings(database_url)
    return SlowNotifier(settings, site_urls(settings))


def test_parallel_approvals_never_overbook(db: Database, database_url: str, now: datetime) -> None:
    notifier = _slow_notifier(database_url)
    user = make_user(db, now)
    event_id, ids = _awaiting_event(db, now, notifier)
    assert _approve_all_at_once(db, now, notifier, user, event_id, ids) == []
    seated, counts = _seats_taken(db, event_id)
    assert seated <= CAPACITY
    assert counts.get("confirmed", 0) + counts.get("waitlisted", 0) == PEOPLE
    assert "awaiting" not in counts


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_without_the_lock_parallel_approvals_overbook(
    db: Database, database_url: str, now: datetime
) -> None:
    notifier = _slow_notifier(database_url)
    user = make_user(db, now)
    event_id, ids = _awaiting_event(db, now, notifier)
    unlocked = without_row_locks(db)
    errors = _approve_all_at_once(unlocked, now, notifier, user, event_id, ids)
    seated, _counts = _seats_taken(db, event_id)
    assert seated > CAPACITY or errors, f"no overbooking without the lock: {seated} seated"
