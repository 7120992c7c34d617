"""Several workers at once: a claimed message belongs to one worker until its lease lapses,
and concurrent workers deliver each message exactly once."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, timedelta
from email.message import EmailMessage

import pytest

from events_app.clock import FrozenClock
from events_app.config import Settings
from events_app.db import Database
from events_app.mail.composed import ComposedEmail
from events_app.mail.delivery import claim_due, mark_sent, record_failure
from events_app.mail.outbox import enqueue
from events_app.mail.worker import DeliveryReport, MailWorker
from tests.factories import make_worker
from tests.registration.helpers import outbox
from tests.support.smtp import SmtpServer

LEASE = timedelta(minutes=5)


def enqueue_many(db: Database, now: datetime, count: int) -> list[str]:
    with db.write() as session:
        messages = [
            enqueue(
                session=session,
                now=now,
                email=ComposedEmail(
                    "manage_link", f"p{i}@example.org", f"Message {i}", f"Text {i}\n", ""
                ),
                base_url="https://events.example.org",
            )
            for i in range(count)
        ]
    return [m.message_id for m in messages]


def test_a_leased_message_is_not_claimed_again_until_the_lease_lapses(
    db: Database, now: datetime
) -> None:
    enqueue_many(db, now, 8)
    with db.write() as session:
        first = claim_due(session=session, now=now, lease=LEASE, limit=5)
    with db.write() as session:
        second = claim_due(session=session, now=now + timedelta(minutes=1), lease=LEASE, limit=5)
    with db.write() as session:
        nothing = claim_due(session=session, now=now + timedelta(minutes=2), lease=LEASE, limit=5)
    with db.write() as session:
        again = claim_due(
            session=session, now=now + LEASE + timedelta(seconds=1), lease=LEASE, limit=8
        )
    ids = [[c.message.id for c in claims] for claims in (first, second, nothing, again)]
    assert ids == [[1, 2, 3, 4, 5], [6, 7, 8], [], [1, 2, 3, 4, 5]]
    assert all(c.lease_until == now + LEASE for c in first)


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_postgres_claimers_skip_locked_rows_instead_of_waiting(db: Database, now: datetime) -> None:
    enqueue_many(db, now, 10)
    with db.write() as holding:  # this claim's transaction stays open: its rows stay locked
        first = claim_due(session=holding, now=now, lease=LEASE, limit=4)
        result: list[list[int | None]] = []

        def other() -> None:
            with db.write() as session:
                claims = claim_due(session=session, now=now, lease=LEASE, limit=10)
                result.append([c.message.id for c in claims])

        thread = threading.Thread(target=other)
        thread.start()
        thread.join(timeout=10)
        assert not thread.is_alive(), "the second claimer waited for the first one's locks"
    assert [c.message.id for c in first] == [1, 2, 3, 4]
    assert result == [[5, 6, 7, 8, 9, 10]]


def test_two_workers_at_once_deliver_each_message_exactly_once(
    db: Database,
    clock: FrozenClock,
    smtp_settings: Settings,
    smtp_server: SmtpServer,
) -> None:
    message_ids = enqueue_many(db, clock.now(), 50)
    smtp_server.collector.delay = 0.002  # let the two interleave
    workers = [
        make_worker(settings=smtp_settings, db=db, clock=clock, batch_size=3) for _ in range(2)
    ]
    barrier = threading.Barrier(len(workers))
    reports: list[DeliveryReport] = []
    errors: list[BaseException] = []

    def run(worker: MailWorker) -> None:
        try:
            barrier.wait()
            reports.append(worker.deliver_due())
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(worker,)) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert smtp_server.collector.message_ids() == Counter(message_ids)  # each exactly once
    assert len(reports) == 2
    assert sum(r.sent for r in reports) == 50
    print(f"split between the two workers: {sorted(r.sent for r in reports)}")
    assert {m.status for m in outbox(db)} == {"sent"}
    assert all(m.attempts == 1 for m in outbox(db))


class StoppingSender:
    """Asks its worker to stop while sending the first message (as SIGTERM would)."""

    def __init__(self) -> None:
        self.worker: MailWorker | None = None
        self.sent: list[str] = []

    def send(self, email: EmailMessage, *, to: str, outbox_id: int) -> None:
        self.sent.append(str(email["Message-ID"]))
        assert self.worker is not None
        self.worker.stop()

    def close(self) -> None:
        pass


def test_stopping_finishes_the_current_message_and_hands_back_the_rest(
    db: Database, clock: FrozenClock, settings: Settings
) -> None:
    message_ids = enqueue_many(db, clock.now(), 3)
    sender = StoppingSender()
    worker = make_worker(settings=settings, db=db, clock=clock, sender=sender)
    sender.worker = worker
    report = worker.deliver_due()
    assert (report.sent, report.released) == (1, 2)
    assert sender.sent == message_ids[:1]
    rows = outbox(db)
    assert [m.status for m in rows] == ["sent", "pending", "pending"]
    assert [m.locked_until for m in rows] == [None, None, None]  # claimable again at once


def test_a_failure_after_the_lease_lapsed_does_not_undo_the_new_claim(
    db: Database, now: datetime
) -> None:
    enqueue_many(db, now, 1)
    with db.write() as session:
        [stale] = claim_due(session=session, now=now, lease=LEASE, limit=1)
    later = now + LEASE + timedelta(seconds=1)
    with db.write() as session:
        [current] = claim_due(session=session, now=later, lease=LEASE, limit=1)
    with db.write() as session:
        assert (
            record_failure(session=session, now=later, claim=stale, error="late", max_attempts=3)
            is None
        )
    [message] = outbox(db)
    assert (message.attempts, message.locked_until) == (0, current.lease_until)
    with db.write() as session:
        assert mark_sent(session=session, now=later, outbox_id=current.message.id or 0)
    assert outbox(db)[0].status == "sent"
