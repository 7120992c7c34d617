"""Reminder emails: who gets one and when, what it says, and exactly once per attendee even
with two workers at once or a worker that dies mid-batch (on SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import pytest

from events_app.clock import FrozenClock
from events_app.config import Settings
from events_app.db import Database
from events_app.models import Event, Registration
from events_app.registration.housekeeping import Housekeeper
from events_app.registration.notify import Notifier
from tests.factories import make_event, make_worker
from tests.registration.helpers import confirm, outbox, register
from tests.support.row_locks import without_row_locks

DAY = timedelta(hours=24)


def seat_people(
    db: Database, now: datetime, notifier: Notifier, event: Event, count: int
) -> list[Registration]:
    seated = []
    for number in range(count):
        _, token = register(db, now, notifier, event.id, f"p{number}@example.org")  # type: ignore[arg-type]
        seated.append(confirm(db, now, notifier, token))
    return seated


def reminders(db: Database) -> list[Any]:
    return [m for m in outbox(db) if m.kind == "reminder"]


def worker(settings: Settings, db: Database, clock: FrozenClock) -> Housekeeper:
    """The mail worker's seat housekeeping, as `events-app worker` runs it."""
    notifier = Notifier(settings)
    return Housekeeper(db=db, clock=clock, notifier=notifier, stop=threading.Event())


def test_confirmed_attendees_are_reminded_once_when_the_moment_comes(
    db: Database, clock: FrozenClock, settings: Settings, notifier: Notifier
) -> None:
    now = clock.now()
    event = make_event(
        db, now, starts_at=now + DAY + timedelta(hours=1), timezone="America/New_York",
        capacity=1, online_url="https://meet.example.org/x", format="hybrid",
    )  # fmt: skip
    seat_people(db, now, notifier, event, 2)  # the second is waitlisted
    register(db, now, notifier, event.id, "pending@example.org")  # type: ignore[arg-type]
    sender = worker(settings, db, clock)
    clock.advance(timedelta(minutes=59))
    assert sender.send_reminders() == 0
    clock.advance(timedelta(minutes=1))  # exactly 24 hours before
    assert sender.send_reminders() == 1
    assert sender.send_reminders() == 0
    [email] = reminders(db)
    assert email.to_address == "p0@example.org"
    assert email.subject == f"Reminder: {event.title}"
    assert "When: Wed 2 Dec 2026, 05:00" in email.text_body  # in New York, not in UTC
    assert "05:00–07:00 EST (UTC-5)" in email.text_body
    assert "https://meet.example.org/x" in email.text_body
    assert "/r/" in email.text_body  # the manage link
    assert "text/calendar; method=REQUEST" in email.attachments
    with db.read() as session:
        marked = session.get(Registration, 1)
        assert marked is not None
        assert marked.reminder_sent_at == clock.now()


@pytest.mark.parametrize(
    "change",
    [
        {"reminder_hours": 0},
        {"reminder_hours": None},
        {"status": "cancelled"},
        {"status": "postponed"},
        {"status": "draft"},
        {"publish_at": "later"},
    ],
)
def test_no_reminder_when_the_event_wants_none_or_is_not_going_ahead(
    db: Database, clock: FrozenClock, settings: Settings, notifier: Notifier, change: dict
) -> None:
    now = clock.now()
    event = make_event(db, now, starts_at=now + timedelta(hours=30))
    seat_people(db, now, notifier, event, 1)
    if change.get("publish_at") == "later":
        change = {"publish_at": now + timedelta(days=3)}
    with db.write() as session:
        stored = session.get(Event, event.id)
        assert stored is not None
        for name, value in change.items():
            setattr(stored, name, value)
    clock.advance(timedelta(hours=29))
    assert worker(settings, db, clock).send_reminders() == 0
    assert reminders(db) == []


def test_each_event_keeps_its_own_hours_and_a_started_event_gets_none(
    db: Database, clock: FrozenClock, settings: Settings, notifier: Notifier
) -> None:
    now = clock.now()
    soon = make_event(db, now, starts_at=now + timedelta(hours=3), reminder_hours=2)
    day = make_event(db, now, starts_at=now + timedelta(hours=30), reminder_hours=24)
    week = make_event(db, now, starts_at=now + timedelta(days=8), reminder_hours=24 * 7)
    for event in (soon, day, week):
        seat_people(db, now, notifier, event, 1)
    sender = worker(settings, db, clock)
    assert sender.send_reminders() == 0
    sent = []
    for hours in (1, 5, 18):
        clock.advance(timedelta(hours=hours))
        assert sender.send_reminders() == 1
        sent.append(reminders(db)[-1].subject)
    assert sent == [f"Reminder: {e.title}" for e in (soon, day, week)]
    clock.advance(timedelta(days=8))
    assert sender.send_reminders() == 0


def test_late_confirmations_are_not_reminded_right_after_their_confirmation(
    db: Database, clock: FrozenClock, settings: Settings, notifier: Notifier
) -> None:
    now = clock.now()
    event = make_event(db, now, starts_at=now + timedelta(hours=5))
    seat_people(db, now, notifier, event, 1)  # inside the 24 hours already
    assert worker(settings, db, clock).send_reminders() == 0
    with db.read() as session:
        assert session.get(Registration, 1).reminder_sent_at == now  # type: ignore[union-attr]


def test_the_worker_loop_sends_them(
    db: Database, clock: FrozenClock, settings: Settings, notifier: Notifier
) -> None:
    now = clock.now()
    event = make_event(db, now, starts_at=now + timedelta(hours=30))
    seat_people(db, now, notifier, event, 2)
    clock.advance(timedelta(hours=6))
    report = make_worker(settings=settings, db=db, clock=clock).run_once()
    assert len(reminders(db)) == 2
    assert report.sent == len(outbox(db))  # delivered in the same round


class FailingNotifier(Notifier):
    """Dies while writing the third reminder, as a worker killed mid-batch would."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.calls = 0

    def notify(self, **kwargs: Any) -> None:
        self.calls += 1
        if self.calls == 3:
            raise RuntimeError("killed")
        super().notify(**kwargs)


def test_a_worker_that_dies_mid_batch_leaves_nothing_half_done(
    db: Database, clock: FrozenClock, settings: Settings, notifier: Notifier
) -> None:
    now = clock.now()
    event = make_event(db, now, starts_at=now + timedelta(hours=30))
    seat_people(db, now, notifier, event, 5)
    clock.advance(timedelta(hours=6))
    dying = worker(settings, db, clock)
    dying.notifier = FailingNotifier(settings)
    with pytest.raises(RuntimeError):
        dying.send_reminders()
    assert reminders(db) == []
    with db.read() as session:
        assert all(session.get(Registration, n).reminder_sent_at is None for n in range(1, 6))  # type: ignore[union-attr]
    assert worker(settings, db, clock).send_reminders() == 5  # the restart sends each once
    assert worker(settings, db, clock).send_reminders() == 0
    assert sorted(Counter(m.registration_id for m in reminders(db)).values()) == [1] * 5


class SlowNotifier(Notifier):
    """Writing each email takes a few milliseconds, so that two workers overlap."""

    def notify(self, **kwargs: Any) -> None:
        time.sleep(0.004)
        super().notify(**kwargs)


def run_two_workers(
    db: Database, clock: FrozenClock, settings: Settings, *, locks: bool
) -> tuple[Counter[int | None], list[BaseException]]:
    """Two housekeepers sending reminders at once; with `locks=False` their database takes
    no row locks (tests/support/row_locks.py). What each attendee got, and what failed."""
    workers_db = db if locks else without_row_locks(db)
    workers = [worker(settings, workers_db, clock) for _ in range(2)]
    for each in workers:
        each.notifier = SlowNotifier(settings)
    barrier = threading.Barrier(len(workers))
    errors: list[BaseException] = []

    def run(each: Housekeeper) -> None:
        try:
            barrier.wait()
            each.send_reminders()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(each,)) for each in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return Counter(m.registration_id for m in reminders(db)), errors


@pytest.mark.parametrize("locks", [False, True], ids=["without row locks", "with row locks"])
def test_two_workers_at_once_remind_each_attendee_exactly_once(
    db: Database, clock: FrozenClock, settings: Settings, notifier: Notifier, locks: bool
) -> None:
    now = clock.now()
    event = make_event(db, now, starts_at=now + timedelta(hours=30))
    seated = seat_people(db, now, notifier, event, 20)
    clock.advance(timedelta(hours=6))
    per_registration, errors = run_two_workers(db, clock, settings, locks=locks)
    duplicates = {key: count for key, count in per_registration.items() if count > 1}
    assert set(per_registration) == {r.id for r in seated}  # nobody missed, either way
    if locks:
        assert (duplicates, errors) == ({}, [])
    else:
        # The race is real. PostgreSQL: both workers claim the same rows and remind the same
        # people. SQLite: both read in DEFERRED transactions, and the second to write fails
        # ("database is locked") instead of waiting for the first to commit.
        print(f"without row locks: {len(duplicates)} of 20 reminded twice, errors: {errors}")
        assert duplicates or errors
