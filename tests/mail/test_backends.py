"""Building the message; the file and console backends; `events-app worker`; and the
in-process worker that `serve` starts in the app's lifespan."""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
from sqlalchemy import update
from starlette.testclient import TestClient

from events_app.app import create_app
from events_app.cli import build_parser, main
from events_app.clock import FrozenClock
from events_app.db import Database
from events_app.mail.message import InvalidMessage, UnsafeHeader, build_email
from events_app.models import OutboxMessage, OutboxStatus
from events_app.registration.notify import Notifier
from tests.factories import make_event, make_worker
from tests.registration.helpers import confirm, outbox, register
from tests.support.settings import make_settings


def row(now: datetime, **overrides: object) -> OutboxMessage:
    values: dict[str, object] = {
        "id": 7,
        "message_id": "<abc123@events.example.org>",
        "kind": "manage_link",
        "to_address": "ada@example.org",
        "subject": "Your link",
        "text_body": "Text",
        "html_body": "<p>HTML</p>",
        "next_attempt_at": now,
        "created_at": now,
    }
    values.update(overrides)
    return OutboxMessage(**values)  # type: ignore[arg-type]


def test_the_message_is_alternative_text_and_html_with_stable_headers(now: datetime) -> None:
    email = build_email(row(now), mail_from="Events <events@example.org>")
    assert email.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in email.iter_parts()] == ["text/plain", "text/html"]
    assert email["Message-ID"] == "<abc123@events.example.org>"
    assert email["Date"] == "Tue, 01 Dec 2026 09:00:00 +0000"
    assert bytes(email) == bytes(build_email(row(now), mail_from="Events <events@example.org>"))


@pytest.mark.parametrize(
    "field", ["subject", "to_address", "message_id", "mail_from"], ids=lambda f: f
)
@pytest.mark.parametrize("bad", ["\r", "\n", "\0"], ids=["CR", "LF", "NUL"])
def test_cr_lf_and_nul_are_refused_in_every_header(now: datetime, field: str, bad: str) -> None:
    mail_from = "events@example.org"
    overrides: dict[str, object] = {}
    value = f"ada@example.org{bad}Bcc: victim@example.org"
    if field == "mail_from":
        mail_from = value
    else:
        overrides[field] = value
    with pytest.raises(UnsafeHeader):
        build_email(row(now, **overrides), mail_from=mail_from)


def test_a_to_header_with_two_addresses_is_refused(now: datetime) -> None:
    with pytest.raises(InvalidMessage):
        build_email(row(now, to_address="a@example.org, b@example.org"), mail_from="e@x.org")


def test_file_backend_writes_one_eml_per_message_and_a_resend_overwrites(
    db: Database, database_url: str, clock: FrozenClock, notifier: Notifier, tmp_path: Path
) -> None:
    mail_dir = tmp_path / "mail"
    settings = make_settings(database_url, mail_backend="file", mail_dir=mail_dir)
    event = make_event(db, clock.now())
    _, token = register(db, clock.now(), notifier, event.id, "ada@example.org")
    confirm(db, clock.now(), notifier, token)
    worker = make_worker(settings=settings, db=db, clock=clock)
    assert worker.run_once().sent == 2
    files = sorted(mail_dir.glob("*.eml"))
    assert len(files) == 2
    rows = outbox(db)
    for path, message in zip(files, rows, strict=True):
        assert path.name.startswith(f"{message.id:08d}-")
        parsed = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        assert isinstance(parsed, EmailMessage)
        assert parsed["Message-ID"] == message.message_id
    # The confirmation: the invitation beside the text (where mail clients look for it) and
    # as a file.
    calendar = [p.get_content_type() for p in parsed.iter_attachments()]
    assert calendar == ["application/ics"]
    invitation = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    assert [p.get_param("method") for p in invitation] == ["REQUEST"]

    with db.write() as session:  # as if the worker had died before marking them sent
        session.execute(update(OutboxMessage).values(status=OutboxStatus.pending))
    assert worker.run_once().sent == 2
    assert sorted(mail_dir.glob("*.eml")) == files
    assert list(mail_dir.glob("*.tmp")) == []


def test_console_backend_logs_the_message(
    db: Database,
    database_url: str,
    clock: FrozenClock,
    notifier: Notifier,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = make_settings(database_url, mail_backend="console")
    event = make_event(db, clock.now())
    register(db, clock.now(), notifier, event.id, "ada@example.org")
    caplog.set_level(logging.INFO, logger="events_app.mail")
    assert make_worker(settings=settings, db=db, clock=clock).run_once().sent == 1
    [message] = outbox(db)
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.endswith("senders"))
    assert message.message_id in logged
    assert "To: ada@example.org" in logged
    assert "Content-Type: text/html" in logged


def test_worker_command_once_sends_what_is_due(
    db: Database,
    database_url: str,
    notifier: Notifier,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = FrozenClock(datetime.now().astimezone()).now()
    event = make_event(db, now)
    register(db, now, notifier, event.id, "ada@example.org")
    for name, value in {
        "EVENTS_DATABASE_URL": database_url,
        "EVENTS_SECRET_KEY": "k" * 40,
        "EVENTS_MAIL_BACKEND": "file",
        "EVENTS_MAIL_DIR": str(tmp_path / "mail"),
    }.items():
        monkeypatch.setenv(name, value)
    assert main(["worker", "--once"]) == 0
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 1
    assert [m.status for m in outbox(db)] == ["sent"]
    args = build_parser().parse_args(["worker", "--lease-seconds", "60", "--batch-size", "3"])
    assert (args.once, args.lease_seconds, args.batch_size) == (False, 60.0, 3)


def test_serve_runs_the_worker_in_process_and_stops_it_on_shutdown(
    db: Database, database_url: str, clock: FrozenClock, notifier: Notifier, tmp_path: Path
) -> None:
    mail_dir = tmp_path / "mail"
    settings = make_settings(
        database_url,
        mail_in_process=True,
        mail_backend="file",
        mail_dir=mail_dir,
        mail_poll_seconds=0.05,
    )
    event = make_event(db, clock.now())
    register(db, clock.now(), notifier, event.id, "ada@example.org")
    with TestClient(create_app(settings, clock=clock, database=db)):
        deadline = time.monotonic() + 10
        while not list(mail_dir.glob("*.eml")) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert any(t.name == "mail-worker" for t in threading.enumerate())
    assert len(list(mail_dir.glob("*.eml"))) == 1
    assert not any(t.name == "mail-worker" for t in threading.enumerate())
