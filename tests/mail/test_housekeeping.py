"""A hanging SMTP server must not hold back seats (issue 13, defect 5).

The SMTP server (aiosmtpd) sits behind the fault proxy; in SILENT mode it accepts the
connection and never answers, as a hung server does, so each delivery waits for the whole
SMTP timeout. Hold expiry and waitlist promotion run on their own schedule meanwhile, and a
delivery pass gives up taking new messages once its time budget is spent.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlmodel import col

from events_app.clock import FrozenClock
from events_app.config import Settings
from events_app.db import Database
from events_app.mail.worker import MailWorker
from events_app.models import OutboxMessage, OutboxStatus
from events_app.registration.notify import Notifier
from tests.conftest import make_settings
from tests.factories import make_event
from tests.faults.proxy import FaultProxy, Mode, fault_proxy
from tests.mail.conftest import SmtpServer
from tests.registration.helpers import HOLD, confirm, outbox, register, statuses

# Generous bounds for something that takes a few housekeeping periods; far below how long
# the hanging delivery lasts, so reaching them means housekeeping waited for mail.
SMTP_HANGS_SECONDS = 120.0
WAIT_SECONDS = 30.0


@pytest.fixture
def smtp_proxy(smtp_server: SmtpServer) -> Iterator[FaultProxy]:
    with fault_proxy(smtp_server.host, smtp_server.port) as proxy:
        yield proxy


def proxied_settings(database_url: str, proxy: FaultProxy, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "mail_backend": "smtp",
        "smtp_host": "127.0.0.1",
        "smtp_port": proxy.port,
        "mail_from": "Events <events@events.example.org>",
        **overrides,
    }
    return make_settings(database_url, **values)


def eventually(check: Callable[[], bool], seconds: float = WAIT_SECONDS) -> bool:
    """Poll `check` until it holds or `seconds` have passed (a bound, not a measurement)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def test_an_expired_hold_is_released_while_delivery_hangs(
    database_url: str,
    db: Database,
    clock: FrozenClock,
    now: datetime,
    smtp_proxy: FaultProxy,
    smtp_server: SmtpServer,
) -> None:
    settings = proxied_settings(
        database_url,
        smtp_proxy,
        smtp_timeout_seconds=SMTP_HANGS_SECONDS,
        mail_poll_seconds=0.1,
        housekeeping_seconds=0.1,
    )
    notifier = Notifier(settings)
    event = make_event(db, now, capacity=1)
    register(db, now, notifier, event.id, "slow@example.org")  # holds the only seat
    _, token = register(db, now, notifier, event.id, "quick@example.org")
    assert confirm(db, now, notifier, token).status == "waitlisted"
    smtp_proxy.set_mode(Mode.SILENT)
    worker = MailWorker(settings=settings, db=db, clock=clock)
    worker.start_thread()
    try:
        # The worker is stuck in its first delivery, waiting for a greeting that never comes.
        assert eventually(lambda: smtp_proxy.accepted >= 1)
        clock.advance(HOLD + timedelta(minutes=1))

        def released() -> bool:
            return statuses(db, event.id)["slow@example.org"] == "expired"

        assert eventually(released)
        assert statuses(db, event.id) == {
            "slow@example.org": "expired",
            "quick@example.org": "confirmed",
        }
        # ...and all that while the first delivery was still hanging: nothing was sent or
        # even failed yet, and no second connection was tried.
        assert smtp_server.collector.received == []
        assert all(m.attempts == 0 and m.status == OutboxStatus.pending for m in outbox(db))
        assert smtp_proxy.accepted == 1
        assert {m.kind for m in outbox(db)} >= {"hold_expired", "promoted"}
    finally:
        smtp_proxy.set_mode(Mode.REFUSE)  # cut the hanging conversation so the worker stops
        worker.stop_thread(timeout=WAIT_SECONDS)


def test_a_delivery_pass_stops_taking_messages_when_its_budget_is_spent(
    database_url: str, db: Database, clock: FrozenClock, now: datetime, smtp_proxy: FaultProxy
) -> None:
    settings = proxied_settings(
        database_url, smtp_proxy, smtp_timeout_seconds=0.5, mail_pass_budget_seconds=1.0
    )
    notifier = Notifier(settings)
    event = make_event(db, now)
    for i in range(5):
        register(db, now, notifier, event.id, f"p{i}@example.org")
    smtp_proxy.set_mode(Mode.SILENT)
    report = MailWorker(settings=settings, db=db, clock=clock).deliver_due()
    # Each try costs the whole SMTP timeout, so the budget runs out before the fifth: the
    # rest of the batch goes back untried (not counted as an attempt), for the next pass.
    assert report.sent == 0
    assert report.released >= 1
    assert report.retrying + report.released == 5
    with db.read() as session:
        untried = session.scalars(
            select(OutboxMessage).where(col(OutboxMessage.attempts) == 0)
        ).all()
    assert len(untried) == report.released
    assert all(m.locked_until is None for m in untried)
