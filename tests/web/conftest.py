"""An app whose PostgreSQL connections go through the fault proxy, for outage tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy.engine import make_url
from starlette.applications import Starlette

from events_app.app import create_app
from events_app.clock import FrozenClock
from events_app.db import Database, EngineOptions
from tests.conftest import make_settings
from tests.faults.proxy import FaultProxy, fault_proxy

ProxiedApp = Callable[..., Starlette]


@pytest.fixture
def pg_proxy(database_url: str) -> Iterator[FaultProxy]:
    """The fault proxy in front of the test's PostgreSQL database."""
    url = make_url(database_url)
    assert url.get_backend_name() == "postgresql", "parametrize database_url with 'postgres'"
    with fault_proxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        yield proxy


@pytest.fixture
def proxied_app(
    database_url: str, pg_proxy: FaultProxy, clock: FrozenClock
) -> Iterator[ProxiedApp]:
    """create_app(...) on the proxied database; keyword arguments are settings."""
    databases: list[Database] = []

    def build(**overrides: object) -> Starlette:
        url = make_url(database_url).set(host="127.0.0.1", port=pg_proxy.port)
        settings = make_settings(url.render_as_string(hide_password=False), **overrides)
        database = Database.from_url(settings.database_url, EngineOptions.from_settings(settings))
        databases.append(database)
        return create_app(settings, clock=clock, database=database)

    yield build
    for database in databases:
        database.dispose()
