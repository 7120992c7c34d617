"""`events-app admin create` and `reset-password`: the password from a terminal or from
standard input, clear refusals, exit codes, and the audit log's "command line"."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from events_app.admin.commands import run_create, run_reset_password
from events_app.admin.passwords import verify_password
from events_app.cli import main
from events_app.db import Database
from events_app.models import User, UserRole
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.support.audit import audit_entries
from tests.support.settings import FAST_PASSWORD_HASHING, make_settings

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("EVENTS_DATABASE_URL", database_url)
    monkeypatch.setenv("EVENTS_SECRET_KEY", "k" * 40)
    for name, value in FAST_PASSWORD_HASHING.items():
        monkeypatch.setenv(f"EVENTS_{name.upper()}", str(value))
    return database_url


def stdin_with(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))


def find(db: Database, email: str) -> User | None:
    from events_app.admin.users import find_user_by_email

    with db.read() as session:
        return find_user_by_email(session=session, email=email)


@pytest.fixture
def terminal() -> Iterator[io.TextIOWrapper]:
    """A real terminal for standard input (a pseudo-terminal), as an operator has."""
    leader, follower = os.openpty()
    with open(follower, encoding="utf-8") as stream:
        yield stream
    os.close(leader)


def test_create_from_a_script_reads_one_line(
    env: str, db: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stdin_with(monkeypatch, DEFAULT_PASSWORD + "\n")
    assert main(["admin", "create", "Ada@Example.org", "--name", "Ada", "--role", "editor"]) == 0
    assert capsys.readouterr().out == "admin create: created editor ada@example.org\n"
    user = find(db, "ada@example.org")
    assert user is not None
    assert (user.name, user.role) == ("Ada", UserRole.editor)
    assert verify_password(user.password_hash, DEFAULT_PASSWORD)
    assert "$m=8,t=1,p=1$" in user.password_hash  # EVENTS_PASSWORD_HASH_*, as the env fixture set
    [entry] = audit_entries(db)
    assert (entry.action, entry.actor_id, entry.actor_email) == ("user.create", None, "")


def test_create_defaults_to_an_admin(
    env: str, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    stdin_with(monkeypatch, DEFAULT_PASSWORD + "\r\n")
    assert main(["admin", "create", "root@example.org"]) == 0
    user = find(db, "root@example.org")
    assert user is not None
    assert user.role == UserRole.admin
    assert verify_password(user.password_hash, DEFAULT_PASSWORD)


def test_on_a_terminal_the_password_is_asked_twice(
    database_url: str, db: Database, terminal: io.TextIOWrapper, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = make_settings(database_url)
    asked: list[str] = []

    def typed(*answers: str):  # type: ignore[no-untyped-def]
        replies = iter(answers)
        return lambda question: asked.append(question) or next(replies)

    assert terminal.isatty()
    code = run_create(settings, "ada@example.org", stdin=terminal, prompt=typed("a" * 20, "b" * 20))
    assert code == 1
    assert (
        "the two passwords typed are not the same; nothing was changed" in capsys.readouterr().err
    )
    assert asked == ["New password: ", "The same again: "]
    assert find(db, "ada@example.org") is None
    code = run_create(
        settings,
        "ada@example.org",
        stdin=terminal,
        prompt=typed(DEFAULT_PASSWORD, DEFAULT_PASSWORD),
    )
    assert code == 0
    assert find(db, "ada@example.org") is not None


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["not-an-address"], DEFAULT_PASSWORD, "email: "),
        (["ada@example.org", "--name", "a\tb"], DEFAULT_PASSWORD, "name: "),
        (["ada@example.org"], "", "no password given"),
        (["ada@example.org"], "\n", "no password given"),
        (["ada@example.org"], "short\n", "too short: use at least 12 characters"),
        (["ada@example.org"], "password1234\n", "too easy to guess"),
        (["ada@example.org"], "ada@example.org\n", "too easy to guess"),
    ],
)
def test_create_refusals_exit_1_and_write_nothing(
    env: str,
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    stdin: str,
    message: str,
) -> None:
    stdin_with(monkeypatch, stdin)
    assert main(["admin", "create", *args]) == 1
    err = capsys.readouterr().err
    assert err.startswith("admin create: ")
    assert message in err
    assert "Value error" not in err  # pydantic's wording, read once (validation_errors.py)
    assert err.rstrip().endswith("nothing was changed")
    assert audit_entries(db) == []


def test_an_address_that_is_taken_is_refused(
    env: str,
    db: Database,
    now: datetime,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    make_user(db, now, email="ada@example.org")
    stdin_with(monkeypatch, DEFAULT_PASSWORD + "\n")
    assert main(["admin", "create", "ADA@example.org"]) == 1
    assert "a user with the address ada@example.org already exists" in capsys.readouterr().err


def test_reset_password_sets_it_ends_sessions_and_is_logged(
    env: str,
    db: Database,
    now: datetime,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    user = make_user(db, now, email="ada@example.org")
    stdin_with(monkeypatch, "a brand new passphrase\n")
    assert main(["admin", "reset-password", "Ada@example.org"]) == 0
    assert "new password set for ada@example.org" in capsys.readouterr().out
    changed = find(db, "ada@example.org")
    assert changed is not None
    assert verify_password(changed.password_hash, "a brand new passphrase")
    assert changed.session_version == user.session_version + 1
    entry = audit_entries(db)[-1]
    assert (entry.action, entry.actor_id, entry.target_label) == (
        "user.password_reset", None, "ada@example.org",
    )  # fmt: skip


def test_reset_password_for_nobody_is_refused(
    env: str, db: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stdin_with(monkeypatch, DEFAULT_PASSWORD + "\n")
    assert main(["admin", "reset-password", "nobody@example.org"]) == 1
    assert "no user has the address nobody@example.org" in capsys.readouterr().err


def test_an_unmigrated_database_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = make_settings(f"sqlite:///{tmp_path / 'empty.db'}")
    code = run_reset_password(settings, "ada@example.org", stdin=io.StringIO(DEFAULT_PASSWORD))
    assert code == 2
    assert "events-app db upgrade" in capsys.readouterr().err


def test_the_real_command_reads_a_piped_password(env: str, db: Database) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "events_app", "admin", "create", "ada@example.org"],
        input=DEFAULT_PASSWORD + "\n", capture_output=True, text=True, cwd=ROOT,
        env={**os.environ}, timeout=60, check=False,
    )  # fmt: skip
    assert (result.returncode, result.stdout) == (
        0,
        "admin create: created admin ada@example.org\n",
    )
    assert find(db, "ada@example.org") is not None
