"""Seat housekeeping: expire unconfirmed holds (which promotes the waitlist and writes
emails) and queue the reminders that are due, every EVENTS_HOUSEKEEPING_SECONDS.

The app hands it to the mail worker (`seat_housekeeping`), and it runs in a thread of its own
beside the worker's delivery loop, so a hanging SMTP
server, which can hold a delivery pass for its whole time budget, never holds back the release
of a seat. Each event's holds expire in a short transaction of their own (see
`events_app.registration.service.expire_event_holds`): one transaction across many events
deadlocks against registrations on PostgreSQL.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from events_app.clock import Clock
from events_app.config import Settings
from events_app.db import Database
from events_app.registration.notify import Notifier
from events_app.registration.reminders import send_due_reminders
from events_app.registration.service import events_with_lapsed_holds, expire_event_holds

logger = logging.getLogger(__name__)


class Housekeeper:
    def __init__(
        self,
        *,
        db: Database,
        clock: Clock,
        notifier: Notifier,
        stop: threading.Event,
    ) -> None:
        """`stop` is shared with the mail worker: one signal stops both."""
        self.db = db
        self.clock = clock
        self.notifier = notifier
        self._stop = stop

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def expire_holds(self) -> int:
        """Release lapsed holds everywhere, one event per transaction."""
        now = self.clock.now()
        with self.db.read() as session:
            event_ids = events_with_lapsed_holds(session=session, now=now)
        released = 0
        for event_id in event_ids:
            if self.stopping:
                break
            with self.db.write() as session:
                released += expire_event_holds(
                    session=session, now=now, event_id=event_id, notifier=self.notifier
                )
        return released

    def send_reminders(self) -> int:
        """Queue every due reminder, a batch per transaction; returns how many were queued."""
        queued = 0
        while not self.stopping:
            with self.db.write() as session:
                batch = send_due_reminders(
                    session=session, now=self.clock.now(), notifier=self.notifier
                )
            queued += batch.queued
            if batch.claimed == 0:
                break
        return queued

    def run_once(self) -> None:
        expired = self.expire_holds()
        if expired:
            logger.info("%d unconfirmed hold(s) expired", expired)
        reminded = self.send_reminders()
        if reminded:
            logger.info("%d reminder(s) queued", reminded)

    def run_forever(self, period_seconds: float) -> None:
        while not self.stopping:
            try:
                self.run_once()
            except Exception:
                logger.exception("seat housekeeping: this round failed; trying again")
            self._stop.wait(period_seconds)

    def start_thread(self, period_seconds: float) -> threading.Thread:
        thread = threading.Thread(
            target=self.run_forever, args=(period_seconds,), name="housekeeping", daemon=True
        )
        thread.start()
        return thread


def seat_housekeeping(
    settings: Settings, db: Database
) -> Callable[[threading.Event, Clock], Housekeeper]:
    """Seat housekeeping as the mail worker takes it: made with the worker's stop signal and
    clock."""
    return lambda stop, clock: Housekeeper(
        db=db, clock=clock, notifier=Notifier(settings), stop=stop
    )
