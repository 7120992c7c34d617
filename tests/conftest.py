"""Shared fixtures: a fresh database per test on SQLite and, when EVENTS_TEST_POSTGRES_URL is
set, again on PostgreSQL; a clock that tests move; the app with its lifespan running.

EVENTS_TEST_STRICT=1 (set by .ci/run) turns every skip into a failure, so a PostgreSQL or
browser test cannot quietly not run in CI.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from starlette.applications import Starlette
from starlette.testclient import TestClient

from events_app.app import create_app
from events_app.clock import FrozenClock
from events_app.config import Settings
from events_app.db import Database
from events_app.migrate import upgrade_database
from events_app.registration.notify import Notifier
from tests.support.postgres import empty_postgres
from tests.support.redis import redis_db  # noqa: F401 (a fixture for every test module)
from tests.support.routes import site_urls
from tests.support.settings import (
    POSTGRES_URL,
    START,
    STRICT,
    make_settings,
)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if STRICT and skipped and session.exitstatus == 0:
        reporter.write_line(  # type: ignore[union-attr]
            f"EVENTS_TEST_STRICT=1: {len(skipped)} test(s) skipped; a skip is a failure here.",
            red=True,
        )
        session.exitstatus = 1


# Under pytest-xdist (`make test`), tests go to whichever worker is free, except these: each
# group runs on one worker, so that its session and module fixtures (a live demo site, a
# Chromium, the checkers; the schemathesis schema) are built once, not once per worker, and
# the load tests (each a multi-process server with hundreds of clients) never run two at once.
XDIST_GROUPS = {
    "browser": "tests/browser/",
    "schemathesis": "tests/api/test_schemathesis.py",
    "load": "tests/load/",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = config.rootpath
    for item in items:
        where = item.path.relative_to(root).as_posix()
        for group, prefix in XDIST_GROUPS.items():
            if where.startswith(prefix):
                item.add_marker(pytest.mark.xdist_group(group))


def _sqlalchemy_url(url: str) -> str:
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "events.db"
    upgrade_database(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """One migrated database for this test run (and xdist worker), dropped at the end."""
    if not POSTGRES_URL:
        message = "PostgreSQL tests need EVENTS_TEST_POSTGRES_URL"
        pytest.fail(message) if STRICT else pytest.skip(message)
    admin_url = _sqlalchemy_url(POSTGRES_URL)
    name = f"events_test_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade_database(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "events.db"
        shutil.copyfile(sqlite_template, path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("postgres_database")
    empty_postgres(url)
    return url


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database.from_url(database_url)
    yield database
    database.dispose()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture
def now(clock: FrozenClock) -> datetime:
    return clock.now()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url)


@pytest.fixture
def notifier(settings: Settings) -> Notifier:
    return Notifier(settings, site_urls(settings))


@pytest.fixture
def app(settings: Settings, clock: FrozenClock, db: Database) -> Starlette:
    return create_app(settings, clock=clock, database=db)


@pytest.fixture
def client(app: Starlette) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client
