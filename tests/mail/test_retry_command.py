"""`events-app mail retry` through the command line entry point."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from events_app.cli import main
from events_app.db import Database
from events_app.models import OutboxStatus
from events_app.registration.notify import Notifier
from tests.factories import fail_due_mail, make_event
from tests.registration.helpers import outbox, register


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("EVENTS_DATABASE_URL", database_url)
    monkeypatch.setenv("EVENTS_SECRET_KEY", "test-secret-key-" + "x" * 32)
    monkeypatch.setenv("EVENTS_BASE_URL", "https://events.example.org")
    monkeypatch.setenv("EVENTS_TIMEZONE", "Europe/Berlin")


def _two_failed(db: Database, now: datetime, notifier: Notifier) -> list[int]:
    for slug, email in (("talk", "ada@example.org"), ("fair", "bob@example.org")):
        event = make_event(db, now, slug=slug)
        assert event.id is not None
        register(db, now, notifier, event.id, email)
    return fail_due_mail(db, now)


def _statuses(db: Database) -> list[str]:
    return [str(message.status) for message in outbox(db)]


def test_retry_by_event_queues_its_failed_mail_and_says_so(
    capsys: pytest.CaptureFixture[str], db: Database, now: datetime, notifier: Notifier
) -> None:
    talk_message, _fair_message = _two_failed(db, now, notifier)

    assert main(["mail", "retry", "--event", "talk", "--since", "2026-12-01"]) == 0

    assert capsys.readouterr().out == (
        f"mail retry: 1 failed message(s) queued again (outbox {talk_message});"
        " the worker sends them on its next round\n"
    )
    assert _statuses(db) == [OutboxStatus.pending, OutboxStatus.failed]


def test_all_queues_every_failed_message(
    capsys: pytest.CaptureFixture[str], db: Database, now: datetime, notifier: Notifier
) -> None:
    _two_failed(db, now, notifier)

    assert main(["mail", "retry", "--all"]) == 0
    assert "2 failed message(s) queued again" in capsys.readouterr().out
    assert main(["mail", "retry", "--all"]) == 0
    assert capsys.readouterr().out == "mail retry: no failed message matches; nothing was changed\n"
    assert _statuses(db) == [OutboxStatus.pending, OutboxStatus.pending]


@pytest.mark.parametrize(
    ("arguments", "reason"),
    [
        ([], "say which messages (--kind, --event, --since, --until) or give --all"),
        (["--event", "nowhere"], "no event has the slug 'nowhere'"),
        (["--kind", "postcard"], "unknown kind 'postcard'; the kinds are attendee_message, "),
        (["--until", "yesterday"], "--until 'yesterday' is not an ISO 8601 date or date-time"),
        # Europe/Berlin skips 02:00-03:00 on 2027-03-28: that wall-clock time never happens.
        (["--since", "2027-03-28T02:30"], "--since '2027-03-28T02:30' is not an ISO 8601"),
    ],
)
def test_refusals_exit_1_and_change_nothing(
    capsys: pytest.CaptureFixture[str],
    db: Database,
    now: datetime,
    notifier: Notifier,
    arguments: list[str],
    reason: str,
) -> None:
    _two_failed(db, now, notifier)

    assert main(["mail", "retry", *arguments]) == 1

    err = capsys.readouterr().err
    assert err.startswith(f"mail retry: {reason}")
    assert err.endswith("; nothing was changed\n")
    assert _statuses(db) == [OutboxStatus.failed, OutboxStatus.failed]


def test_times_without_an_offset_are_in_the_site_timezone(
    capsys: pytest.CaptureFixture[str], db: Database, now: datetime, notifier: Notifier
) -> None:
    _two_failed(db, now, notifier)  # queued at 09:00 UTC, 10:00 in Berlin

    assert main(["mail", "retry", "--since", "2026-12-01T10:00:01"]) == 0
    assert "no failed message matches" in capsys.readouterr().out
    assert main(["mail", "retry", "--since", "2026-12-01T10:00", "--until", "2026-12-02"]) == 0
    assert "2 failed message(s) queued again" in capsys.readouterr().out
