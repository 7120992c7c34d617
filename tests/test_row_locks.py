"""The row-lock strategy: a write session takes its database's locks, a session made any
other way the app's own, and only a database given another strategy (the race tests',
tests/support/row_locks.py) goes without."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlmodel import Session

from events_app.db import Database
from events_app.models import Event
from events_app.row_locks import locked
from tests.support.row_locks import without_row_locks


def locks_rows(session: Session) -> bool:
    query = locked(session, select(Event))
    return "FOR UPDATE" in str(query.compile(dialect=session.get_bind().dialect))


def test_reads_that_lead_to_a_write_lock_their_rows_on_postgresql(db: Database) -> None:
    on_postgresql = not db.is_sqlite  # SQLite: BEGIN IMMEDIATE, below
    with db.write() as session:
        assert locks_rows(session) == on_postgresql
    with db.read() as session, Session(db.engine) as plain:
        assert locks_rows(session) == locks_rows(plain) == on_postgresql
    with without_row_locks(db).write() as session:
        assert not locks_rows(session)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_sqlite_write_transactions_begin_immediate_unless_told_otherwise(db: Database) -> None:
    with db.write() as locked_session, without_row_locks(db).write() as unlocked_session:
        assert locked_session.connection().get_execution_options()["sqlite_begin"] == "IMMEDIATE"
        assert unlocked_session.connection().get_execution_options()["sqlite_begin"] == "DEFERRED"
