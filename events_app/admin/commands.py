"""`events-app admin create EMAIL` and `events-app admin reset-password EMAIL`.

The password is never an argument (it would stay in the shell's history and be visible to
every user in the process list): on a terminal it is asked for twice without echo; otherwise
one line is read from standard input, for scripts (`printf '%s\\n' "$PW" | events-app admin
create ...`). Exit codes: 0 done; 1 refused (an address that is not one, taken or unknown, a
password too weak, mistyped or missing), with the reason on standard error; 2 the database
could not do it (not reachable, or not migrated: run `events-app db upgrade`).
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from typing import TextIO

from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from events_app.admin import users
from events_app.admin.passwords import (
    MAX_LENGTH,
    MIN_LENGTH,
    NewPassword,
    PasswordRefused,
    accept_password,
    hasher_for,
)
from events_app.admin.schemas import UserCreate
from events_app.clock import utc_now
from events_app.config import Settings
from events_app.db import Database
from events_app.validation_errors import all_errors

Prompt = Callable[[str], str]

PASSWORD_PROBLEMS = {
    "too_short": f"too short: use at least {MIN_LENGTH} characters",
    "too_long": f"too long: at most {MAX_LENGTH} characters",
    "too_common": "too easy to guess: it is one of the commonest passwords, close to one, "
    "or made from the name or address; a few unrelated words make a good one",
    "mismatch": "the two passwords typed are not the same",
    "missing": "no password given (one line on standard input)",
}


class Refused(Exception):
    """What to print before exiting with 1."""


def read_password(stdin: TextIO, prompt: Prompt) -> str:
    if stdin.isatty():
        first = prompt("New password: ")
        if prompt("The same again: ") != first:
            raise PasswordRefused("mismatch")
        return first
    line = stdin.readline().removesuffix("\n").removesuffix("\r")
    if not line:
        raise PasswordRefused("missing")
    return line


# Reads, checks and hashes the new password, given what it must not be built from.
NewPasswordSource = Callable[[list[str]], NewPassword]


def _password_source(settings: Settings, stdin: TextIO, prompt: Prompt) -> NewPasswordSource:
    hasher = hasher_for(settings)

    def new_password(hints: list[str]) -> NewPassword:
        try:
            return accept_password(read_password(stdin, prompt), user_inputs=hints, hasher=hasher)
        except PasswordRefused as refused:
            raise Refused(f"password refused: {PASSWORD_PROBLEMS[refused.code]}") from None

    return new_password


def _create(db: Database, email: str, name: str, role: str, new_password: NewPasswordSource) -> str:
    try:
        data = UserCreate.model_validate({"email": email, "name": name, "role": role})
    except ValidationError as exc:
        problems = "; ".join(
            f"{error.field}: {error.message}" if error.field else error.message
            for error in all_errors(exc)
        )
        raise Refused(problems) from None
    password = new_password(data.password_hints)
    try:
        with db.write() as session:
            user = users.create_user(
                session=session, now=utc_now(), actor=None, data=data, password=password
            )
    except users.UserRefused:
        raise Refused(f"a user with the address {data.email} already exists") from None
    return f"created {user.role} {user.email}"


def _reset(db: Database, email: str, new_password: NewPasswordSource) -> str:
    with db.read() as session:
        user = users.find_user_by_email(session=session, email=email)
    if user is None:
        raise Refused(f"no user has the address {email.strip()}")
    password = new_password([user.email, user.email.split("@")[0], user.name])
    with db.write() as session:
        users.reset_password(
            session=session, now=utc_now(), actor=None, email=user.email, password=password
        )
    return f"new password set for {user.email}; every session they had has ended"


def _run(name: str, settings: Settings, work: Callable[[Database], str]) -> int:
    db = Database.from_url(settings.database_url)
    try:
        print(f"admin {name}: {work(db)}")
    except Refused as refused:
        print(f"admin {name}: {refused}; nothing was changed", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        reason = str(exc).splitlines()[0]  # the rest is the SQL statement
        print(
            f"admin {name}: the database refused it ({reason}); is it migrated "
            "(events-app db upgrade)? Nothing was changed",
            file=sys.stderr,
        )
        return 2
    finally:
        db.dispose()
    return 0


def run_create(
    settings: Settings,
    email: str,
    *,
    name: str = "",
    role: str = "admin",
    stdin: TextIO | None = None,
    prompt: Prompt = getpass.getpass,
) -> int:
    source = _password_source(settings, stdin or sys.stdin, prompt)
    return _run("create", settings, lambda db: _create(db, email, name, role, source))


def run_reset_password(
    settings: Settings,
    email: str,
    *,
    stdin: TextIO | None = None,
    prompt: Prompt = getpass.getpass,
) -> int:
    source = _password_source(settings, stdin or sys.stdin, prompt)
    return _run("reset-password", settings, lambda db: _reset(db, email, source))
