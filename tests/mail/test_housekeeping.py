"""A hanging SMTP server must not hold back seats (issue 13, defect 5).

The SMTP server (aiosmtpd) sits behind the fault proxy; in SILENT mode it accepts the
connection and never answers, as a hung server does, so each delivery waits for the whole
SMTP timeout. Hold expiry and waitlist promotion run on their own schedule meanwhile, and a
delivery pass gives up taking new messages once its time budget is spent.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlmodel import col

from events_app.clock import FrozenClock, utc_now
from events_app.config import Settings
from events_app.db import Database
from events_app.models import OutboxMessage, OutboxStatus, Registration
from events_app.registration.notify import Notifier
from tests.factories import make_event, make_worker
from tests.faults.proxy import FaultProxy, Mode, fault_proxy
from tests.registration.helpers import HOLD, confirm, outbox, register, statuses
from tests.support.routes import site_urls
from tests.support.settings import make_settings
from tests.support.smtp import SmtpServer

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
    notifier = Notifier(settings, site_urls(settings))
    event = make_event(db, now, capacity=1)
    register(db, now, notifier, event.id, "slow@example.org")  # holds the only seat
    _, token = register(db, now, notifier, event.id, "quick@example.org")
    assert confirm(db, now, notifier, token).status == "waitlisted"
    smtp_proxy.set_mode(Mode.SILENT)
    worker = make_worker(settings=settings, db=db, clock=clock)
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


def test_events_app_worker_releases_holds_while_delivery_hangs(
    database_url: str, db: Database, smtp_proxy: FaultProxy, tmp_path: Path
) -> None:
    """The same through `events-app worker`, a process on the real clock."""
    now = utc_now()
    notifier_settings = make_settings(database_url)
    notifier = Notifier(notifier_settings, site_urls(notifier_settings))
    event = make_event(db, now, capacity=1)
    slow, _ = register(db, now, notifier, event.id, "slow@example.org")
    _, token = register(db, now, notifier, event.id, "quick@example.org")
    assert confirm(db, now, notifier, token).status == "waitlisted"
    smtp_proxy.set_mode(Mode.SILENT)
    env = {
        **os.environ,
        "EVENTS_ENV": "test",
        "EVENTS_DATABASE_URL": database_url,
        "EVENTS_SECRET_KEY": "s" * 40,
        "EVENTS_MAIL_BACKEND": "smtp",
        "EVENTS_SMTP_HOST": "127.0.0.1",
        "EVENTS_SMTP_PORT": str(smtp_proxy.port),
        "EVENTS_SMTP_TIMEOUT_SECONDS": str(SMTP_HANGS_SECONDS),
        "EVENTS_HOUSEKEEPING_SECONDS": "0.2",
    }
    log = tmp_path / "worker.log"
    with log.open("ab") as stderr:
        worker = subprocess.Popen(
            [sys.executable, "-m", "events_app", "worker"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        assert eventually(lambda: smtp_proxy.accepted >= 1), log.read_text()
        # Delivery now hangs; only then does the hold's time run out.
        with db.write() as session:
            session.execute(
                update(Registration)
                .where(col(Registration.id) == slow.id)
                .values(hold_expires_at=utc_now())
            )
        assert eventually(lambda: statuses(db, event.id)["quick@example.org"] == "confirmed"), (
            log.read_text()
        )
        assert statuses(db, event.id)["slow@example.org"] == "expired"
        assert smtp_proxy.accepted == 1  # still in its first, hanging, delivery
    finally:
        smtp_proxy.set_mode(Mode.REFUSE)
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=WAIT_SECONDS)
        finally:
            if worker.poll() is None:
                worker.kill()


def test_a_delivery_pass_stops_taking_messages_when_its_budget_is_spent(
    database_url: str, db: Database, clock: FrozenClock, now: datetime, smtp_proxy: FaultProxy
) -> None:
    settings = proxied_settings(
        database_url, smtp_proxy, smtp_timeout_seconds=0.5, mail_pass_budget_seconds=1.0
    )
    notifier = Notifier(settings, site_urls(settings))
    event = make_event(db, now)
    for i in range(5):
        register(db, now, notifier, event.id, f"p{i}@example.org")
    smtp_proxy.set_mode(Mode.SILENT)
    report = make_worker(settings=settings, db=db, clock=clock).deliver_due()
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
