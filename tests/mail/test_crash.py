"""Crash safety: `events-app worker` killed with SIGKILL while the SMTP server is still taking
a message, then started again. Every message arrives: at least once, at worst twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from events_app.clock import utc_now
from events_app.db import Database
from events_app.registration.notify import Notifier
from tests.factories import make_event
from tests.registration.helpers import outbox, register
from tests.support.routes import site_urls
from tests.support.settings import make_settings
from tests.support.smtp import Collector, SmtpServer, free_port

MESSAGES = 8
LEASE_SECONDS = 2


@pytest.fixture
def slow_smtp_server() -> Iterator[SmtpServer]:
    collector = Collector(delay=0.3)
    port = free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", port, collector)
    finally:
        controller.stop()


def wait_for(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_a_worker_killed_mid_send_loses_nothing(
    db: Database,
    database_url: str,
    slow_smtp_server: SmtpServer,
    tmp_path: Path,
    record_property: Callable[[str, object], None],
) -> None:
    now = utc_now()  # the worker process reads the real clock
    notifier_settings = make_settings(database_url)
    notifier = Notifier(notifier_settings, site_urls(notifier_settings))
    event = make_event(db, now)
    for number in range(MESSAGES):
        register(db, now, notifier, event.id, f"p{number}@example.org")
    expected = {m.message_id for m in outbox(db)}
    assert len(expected) == MESSAGES

    env = {
        **os.environ,
        "EVENTS_ENV": "test",
        "EVENTS_DATABASE_URL": database_url,
        "EVENTS_SECRET_KEY": "s" * 40,
        "EVENTS_MAIL_BACKEND": "smtp",
        "EVENTS_SMTP_HOST": slow_smtp_server.host,
        "EVENTS_SMTP_PORT": str(slow_smtp_server.port),
        "EVENTS_SMTP_TIMEOUT_SECONDS": "5",
        "EVENTS_MAIL_POLL_SECONDS": "0.2",
    }
    command = [
        sys.executable,
        "-m",
        "events_app",
        "worker",
        "--lease-seconds",
        str(LEASE_SECONDS),
        "--batch-size",
        "4",
    ]
    collector = slow_smtp_server.collector

    log = tmp_path / "worker.log"

    def start() -> subprocess.Popen[bytes]:
        with log.open("ab") as stderr:
            return subprocess.Popen(
                command, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=stderr
            )

    first = start()
    try:
        # The server records a message as its DATA arrives, then waits 0.3 s before its 250:
        # the kill lands while the third message is being taken.
        assert wait_for(lambda: len(collector.received) >= 3, timeout=15), "no mail arrived"
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=5)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == -signal.SIGKILL
    before_restart = len(collector.received)

    second = start()
    try:
        delivered = wait_for(lambda: set(collector.message_ids()) >= expected, timeout=15)
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=10)
    finally:
        if second.poll() is None:
            second.kill()
    assert delivered, f"missing: {expected - set(collector.message_ids())}\n{log.read_text()}"
    assert second.returncode == 0, log.read_text()

    counts = collector.message_ids()
    duplicates = sum(count - 1 for count in counts.values())
    record_property("duplicates", duplicates)
    print(f"\n{before_restart} received before the kill; duplicates after restart: {duplicates}")
    assert set(counts) == expected
    assert duplicates <= 1  # only the message in flight at the kill can arrive twice
    rows = outbox(db)
    assert {m.status for m in rows} == {"sent"}
    assert {m.locked_until for m in rows} == {None}
