"""The worker against a real SMTP server: what arrives, once; retries with backoff; refusal."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pytest
from aiosmtpd.controller import Controller

from events_app.clock import FrozenClock
from events_app.config import Settings
from events_app.db import Database
from events_app.mail.composed import ComposedEmail
from events_app.mail.outbox import enqueue
from events_app.models import OutboxMessage
from events_app.registration.notify import Notifier
from tests.factories import make_event, make_worker
from tests.registration.helpers import HOLD, confirm, outbox, register, statuses
from tests.support.settings import make_settings
from tests.support.smtp import Collector, SmtpServer, free_port


def enqueue_raw(db: Database, now: datetime, *, to: str, subject: str) -> OutboxMessage:
    email = ComposedEmail("manage_link", to, subject, "Plain text.\n", "<p>HTML</p>")
    with db.write() as session:
        return enqueue(session=session, now=now, email=email, base_url="https://events.example.org")


def test_smtp_delivers_each_message_exactly_once_with_its_parts(
    db: Database,
    clock: FrozenClock,
    smtp_settings: Settings,
    smtp_server: SmtpServer,
    notifier: Notifier,
) -> None:
    now = clock.now()
    event = make_event(db, now, capacity=5)
    _, token = register(db, now, notifier, event.id, "ada@example.org")
    confirm(db, now, notifier, token)
    worker = make_worker(settings=smtp_settings, db=db, clock=clock)
    assert worker.run_once().sent == 2
    assert worker.run_once().sent == 0

    received = smtp_server.collector.received
    rows = outbox(db)
    assert [r.message["Message-ID"] for r in received] == [m.message_id for m in rows]
    assert smtp_server.collector.message_ids() == {m.message_id: 1 for m in rows}
    for item, row in zip(received, rows, strict=True):
        assert item.rcpt_tos == ["ada@example.org"]
        assert item.mail_from == "events@events.example.org"
        assert item.message["To"] == "ada@example.org"
        assert item.message["From"] == "Events <events@events.example.org>"
        assert item.message["Subject"] == row.subject
        assert item.message["Date"]
        plain = item.message.get_body(("plain",))
        html = item.message.get_body(("html",))
        assert plain is not None
        assert html is not None
        assert f"/r/{token}" in plain.get_content() or row.kind == "confirm_request"
        assert "<" in html.get_content()
        assert (row.status, row.sent_at, row.attempts) == ("sent", now, 1)
        assert row.locked_until is None

    confirm_request, confirmed = (item.message for item in received)
    assert list(confirm_request.iter_attachments()) == []
    [ics] = list(confirmed.iter_attachments())
    assert ics.get_content_type() == "application/ics"
    assert ics.get_filename() == f"{event.slug}.ics"
    assert b"METHOD:REQUEST" in ics.get_content()
    [invitation] = [p for p in confirmed.walk() if p.get_content_type() == "text/calendar"]
    assert invitation.get_param("method") == "REQUEST"
    assert invitation.get_content() == ics.get_content().decode()


def test_the_worker_expires_holds_and_sends_the_news(
    db: Database,
    clock: FrozenClock,
    smtp_settings: Settings,
    smtp_server: SmtpServer,
    notifier: Notifier,
) -> None:
    event = make_event(db, clock.now(), capacity=1)
    register(db, clock.now(), notifier, event.id, "slow@example.org")
    clock.advance(HOLD + timedelta(seconds=1))
    make_worker(settings=smtp_settings, db=db, clock=clock).run_once()
    assert statuses(db, event.id) == {"slow@example.org": "expired"}
    kinds = [m.kind for m in outbox(db)]
    assert kinds == ["confirm_request", "hold_expired"]
    assert len(smtp_server.collector.received) == 2


def test_failures_retry_with_backoff_then_fail_and_log(
    db: Database,
    database_url: str,
    clock: FrozenClock,
    notifier: Notifier,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = make_settings(
        database_url,
        mail_backend="smtp",
        smtp_host="127.0.0.1",
        smtp_port=free_port(),  # nobody listens here
        smtp_timeout_seconds=2,
        mail_max_attempts=3,
    )
    event = make_event(db, clock.now())
    register(db, clock.now(), notifier, event.id, "ada@example.org")
    worker = make_worker(settings=settings, db=db, clock=clock)
    caplog.set_level(logging.WARNING, logger="events_app.mail")
    start = clock.now()

    assert worker.run_once().retrying == 1
    [message] = outbox(db)
    assert (message.status, message.attempts) == ("pending", 1)
    assert message.next_attempt_at == start + timedelta(seconds=30)
    assert "ConnectionRefusedError" in message.last_error
    assert worker.run_once().retrying == 0  # not due yet: nothing tried

    clock.set(message.next_attempt_at)
    worker.run_once()
    [message] = outbox(db)
    assert (message.status, message.attempts) == ("pending", 2)
    assert message.next_attempt_at == clock.now() + timedelta(seconds=60)

    clock.set(message.next_attempt_at)
    assert worker.run_once().failed == 1
    [message] = outbox(db)
    assert (message.status, message.attempts, message.locked_until) == ("failed", 3, None)
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert message.message_id in errors[0].getMessage()
    assert "failed for good after 3 attempt(s)" in errors[0].getMessage()
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 2
    clock.advance(timedelta(days=1))
    assert worker.run_once().failed == 0  # failed is final


@pytest.mark.parametrize(
    ("to", "subject"),
    [
        ("ada@example.org", "Hello\r\nBcc: victim@example.org"),
        ("ada@example.org", "Hello\nX-Injected: yes"),
        ("ada@example.org\r\nBcc: victim@example.org", "Hello"),
        ("ada@example.org\nBcc: victim@example.org", "Hello"),
        ("ada@example.org, victim@example.org", "Two recipients"),
    ],
)
def test_header_injection_is_refused_and_never_sent(
    db: Database,
    clock: FrozenClock,
    smtp_settings: Settings,
    smtp_server: SmtpServer,
    to: str,
    subject: str,
) -> None:
    enqueue_raw(db, clock.now(), to=to, subject=subject)
    report = make_worker(settings=smtp_settings, db=db, clock=clock).run_once()
    assert (report.sent, report.failed) == (0, 1)
    assert smtp_server.collector.received == []
    [message] = outbox(db)
    assert (message.status, message.attempts) == ("failed", 1)
    assert "InvalidMessage" in message.last_error or "UnsafeHeader" in message.last_error


class RefusingCollector(Collector):
    async def handle_RCPT(
        self, server: object, session: object, envelope: object, address: str, options: list[str]
    ) -> str:
        if address.startswith("nobody@"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)  # type: ignore[attr-defined]
        return "250 OK"


def test_a_recipient_refused_for_good_fails_at_once_and_the_rest_still_go(
    db: Database, database_url: str, clock: FrozenClock
) -> None:
    collector = RefusingCollector()
    port = free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings = make_settings(
            database_url, mail_backend="smtp", smtp_host="127.0.0.1", smtp_port=port
        )
        enqueue_raw(db, clock.now(), to="nobody@example.org", subject="Refused")
        enqueue_raw(db, clock.now(), to="ada@example.org", subject="Accepted")
        report = make_worker(settings=settings, db=db, clock=clock).run_once()
    finally:
        controller.stop()
    assert (report.sent, report.failed) == (1, 1)
    assert [r.message["Subject"] for r in collector.received] == ["Accepted"]
    assert [m.status for m in outbox(db)] == ["failed", "sent"]
    assert "550" in outbox(db)[0].last_error
