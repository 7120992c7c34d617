"""A scratch Redis database the suite may flush. EVENTS_TEST_REDIS_URL names it, so that two
suites on one machine (parallel branches) each take their own; under pytest-xdist, worker
gwN takes the database N below it (db 15, 14, ... by default), so workers never flush each
other's counters."""

from __future__ import annotations

import os

import pytest
import redis
from redis.connection import parse_url


def _worker_index() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1", ... or unset
    return int(worker.removeprefix("gw")) if worker.startswith("gw") else 0


def _redis_url(base: str, index: int) -> str:
    number = int(parse_url(base).get("db", 0)) - index
    if number < 0:
        raise RuntimeError(
            f"EVENTS_TEST_REDIS_URL={base}: no database left for xdist worker {index}"
        )
    head, _, _ = base.rpartition("/")
    return f"{head}/{number}"


REDIS_URL = _redis_url(
    os.environ.get("EVENTS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15"), _worker_index()
)


@pytest.fixture
def redis_db() -> redis.Redis:
    """The scratch database, emptied; the test skips when Redis is not running."""
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.flushdb()
    except redis.ConnectionError:
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    return connection


def storage_url(store: str, request: pytest.FixtureRequest) -> str:
    """EVENTS_REDIS_URL for a store: empty for in-memory counting, a scratch Redis db else."""
    if store != "redis":
        return ""
    request.getfixturevalue("redis_db")
    return REDIS_URL
