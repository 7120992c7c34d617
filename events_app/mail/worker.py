"""The mail worker: every EVENTS_MAIL_POLL_SECONDS, deliver what is due in the outbox, for at
most EVENTS_MAIL_PASS_BUDGET_SECONDS per pass. Beside it, in a thread of its own, seat
housekeeping expires holds and queues reminders every EVENTS_HOUSEKEEPING_SECONDS, whatever
the mail server does. That task is registration's (`events_app.registration.housekeeping`):
the app hands it to the worker, since mail/ is transport and knows no feature.

It runs as `events-app worker` in the foreground, or inside `events-app serve` in a background
thread when EVENTS_MAIL_IN_PROCESS is true. Any number may run at once: claiming (see
`events_app.mail.delivery`) hands each message to one worker at a time.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from events_app.clock import Clock
from events_app.config import Settings
from events_app.db import Database
from events_app.mail.deferred import Unwritable, Writers, compose_queued, store_written
from events_app.mail.delivery import Claim, claim_due, mark_sent, record_failure, release
from events_app.mail.message import InvalidMessage, build_email, single_address
from events_app.mail.senders import PermanentFailure, Sender, make_sender
from events_app.models import OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

DEFAULT_LEASE = timedelta(minutes=5)
DEFAULT_BATCH = 10


class Housekeeping(Protocol):
    """A periodic task that runs beside delivery, in a thread of its own."""

    def run_once(self) -> None: ...

    def start_thread(self, period_seconds: float) -> threading.Thread: ...


# Made by the worker, with its stop signal (one signal stops both) and its clock.
HousekeepingFactory = Callable[[threading.Event, Clock], Housekeeping]


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    released: int = 0  # claimed but handed back untried (stopping, or the lease ran short)


class MailWorker:
    def __init__(
        self,
        *,
        settings: Settings,
        db: Database,
        clock: Clock | None = None,
        sender: Sender | None = None,
        lease: timedelta = DEFAULT_LEASE,
        batch_size: int = DEFAULT_BATCH,
        housekeeping: HousekeepingFactory | None = None,
        writers: Writers | None = None,
    ) -> None:
        """`housekeeping`: what runs beside delivery (the app passes seat housekeeping).
        `writers`: the features' email writers by name, for emails queued to be written
        when they are sent (mail/deferred.py)."""
        if lease <= timedelta(0) or batch_size < 1:
            raise ValueError("the lease must be positive and the batch at least one message")
        self.settings = settings
        self.db = db
        self.clock = clock or Clock()
        self.sender = sender or make_sender(settings)
        self.lease = lease
        self.batch_size = batch_size
        self.writers: Writers = writers or {}
        self._stop = threading.Event()
        self.housekeeper = housekeeping(self._stop, self.clock) if housekeeping else None
        self._thread: threading.Thread | None = None

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def stop(self) -> None:
        """Finish the message being sent, hand back the rest of the batch, and return."""
        self._stop.set()

    def deliver_due(self) -> DeliveryReport:
        """Claim and send batches until nothing is due, the pass's time budget is spent, or we
        are asked to stop."""
        report = DeliveryReport()
        deadline = time.monotonic() + self.settings.mail_pass_budget_seconds
        try:
            while not self.stopping and time.monotonic() < deadline:
                with self.db.write() as session:
                    claims = claim_due(
                        session=session,
                        now=self.clock.now(),
                        lease=self.lease,
                        limit=self.batch_size,
                    )
                if not claims:
                    break
                for claim in claims:
                    self._deliver(claim, report, deadline)
        finally:
            self.sender.close()
        return report

    def _deliver(self, claim: Claim, report: DeliveryReport, deadline: float) -> None:
        message = claim.message
        outbox_id = message.id
        assert outbox_id is not None
        # Send only with at least half the lease left, so that nobody else can claim the
        # message while we are still talking to the server; and only within the pass's time
        # budget, so that a server that hangs on every message cannot hold the pass forever.
        lease_short = self.clock.now() >= claim.lease_until - self.lease / 2
        if self.stopping or lease_short or time.monotonic() >= deadline:
            with self.db.write() as session:
                release(session=session, claim=claim)
            report.released += 1
            return
        try:
            if message.composition:
                message = self._write(message)
            email = build_email(message, mail_from=self.settings.mail_from)
            recipient = single_address("To", message.to_address)
            self.sender.send(email, to=recipient, outbox_id=outbox_id)
        except (InvalidMessage, PermanentFailure, Unwritable) as exc:
            self._failed(claim, exc, report, permanent=True)
        except Exception as exc:
            self._failed(claim, exc, report, permanent=False)
        else:
            with self.db.write() as session:
                mark_sent(session=session, now=self.clock.now(), outbox_id=outbox_id)
            report.sent += 1
            logger.info(
                "mail %s (%s) sent to %s", message.message_id, message.kind, message.to_address
            )

    def _write(self, message: OutboxMessage) -> OutboxMessage:
        """Compose the bodies while reading (no lock is held meanwhile), then store them in
        a short write: the claim keeps every other worker off the row."""
        assert message.id is not None
        with self.db.read() as session:
            email = compose_queued(session=session, message=message, writers=self.writers)
        with self.db.write() as session:
            return store_written(session=session, outbox_id=message.id, email=email)

    def _failed(
        self, claim: Claim, exc: Exception, report: DeliveryReport, *, permanent: bool
    ) -> None:
        with self.db.write() as session:
            status = record_failure(
                session=session,
                now=self.clock.now(),
                claim=claim,
                error=f"{type(exc).__name__}: {exc}",
                max_attempts=self.settings.mail_max_attempts,
                permanent=permanent,
            )
        if status == OutboxStatus.failed:
            report.failed += 1
        elif status == OutboxStatus.pending:
            report.retrying += 1

    def run_once(self) -> DeliveryReport:
        """One round of housekeeping, then one delivery pass (`events-app worker --once`)."""
        if self.housekeeper is not None:
            self.housekeeper.run_once()
        return self.deliver_due()

    def run_forever(self) -> None:
        logger.info("mail worker started (%s backend)", self.settings.mail_backend)
        housekeeping = None
        if self.housekeeper is not None:
            housekeeping = self.housekeeper.start_thread(self.settings.housekeeping_seconds)
        while not self.stopping:
            try:
                self.deliver_due()
            except Exception:
                logger.exception("mail worker: this round failed; trying again")
            self._stop.wait(self.settings.mail_poll_seconds)
        if housekeeping is not None:
            housekeeping.join()
        logger.info("mail worker stopped")

    def start_thread(self) -> threading.Thread:
        """Run `run_forever` in a daemon thread (the in-process worker of `serve`)."""
        self._stop.clear()
        self._thread = threading.Thread(target=self.run_forever, name="mail-worker", daemon=True)
        self._thread.start()
        return self._thread

    def stop_thread(self, timeout: float | None = None) -> None:
        self.stop()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
