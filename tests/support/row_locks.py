"""A database that takes no row locks, for the tests that prove the races the locks prevent.

`NoRowLocks` is the strategy the app must never have (events_app/row_locks.py): on SQLite a
write transaction begins DEFERRED, so two writers both read before either writes (the second
then fails with "database is locked" instead of waiting its turn); on PostgreSQL no row is
locked, so two transactions count the same seats or claim the same reminders.
`build_app_without_row_locks` is a uvicorn factory for the load tests, whose server runs in
other processes: `python -m uvicorn tests.support.row_locks:build_app_without_row_locks
--factory` (tests/load/harness.py, `running_server(..., app=UNLOCKED_APP)`).
"""

from __future__ import annotations

import logging
from typing import Any, TypeVar

from sqlalchemy.sql.selectable import GenerativeSelect
from starlette.applications import Starlette

from events_app.app import create_app
from events_app.config import load_settings
from events_app.db import Database, EngineOptions, create_db_engine

Query = TypeVar("Query", bound=GenerativeSelect)
UNLOCKED_APP = f"{__name__}:build_app_without_row_locks"


class NoRowLocks:
    sqlite_begin = "DEFERRED"

    def for_update(
        self, query: Query, *, dialect: str, of: Any = None, skip_locked: bool = False
    ) -> Query:
        return query


def without_row_locks(db: Database) -> Database:
    """The same database (and engine) as `db`, whose write transactions take no locks.
    Dispose of `db`, not of this one."""
    return Database(db.engine, options=db.options, row_locks=NoRowLocks())


def build_app_without_row_locks() -> Starlette:
    """`events_app.app:build_app`, on a database without row locks."""
    settings = load_settings()
    logging.basicConfig(level=settings.log_level.upper())
    options = EngineOptions.from_settings(settings)
    engine = create_db_engine(settings.database_url, options=options)
    database = Database(engine, options=options, row_locks=NoRowLocks())
    return create_app(settings, database=database)
