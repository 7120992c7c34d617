"""Rate limits when Redis hangs (issue 13, defect 4).

Redis sits behind the fault proxy; in SILENT mode it accepts connections and never answers,
as a hung server does. Without socket timeouts a rate-limited POST waited for it forever;
now it waits one short timeout, fails open, and the circuit breaker keeps later requests away
from Redis until its time is up.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime
from urllib.parse import urlsplit

import pytest
import redis
from limits import parse

from events_app.app import create_app
from events_app.clock import FrozenClock
from events_app.db import Database
from events_app.web.rate_limit import RateLimiter
from tests.factories import make_event
from tests.faults.proxy import FaultProxy, Mode, fault_proxy
from tests.registration.helpers import outbox
from tests.registration.web_helpers import https_client, register_form
from tests.support.redis import REDIS_URL
from tests.support.settings import make_settings

# A bound on requests that should take one Redis timeout (0.3 s) at most; a request that
# still waits for Redis after this is hanging on it.
HANGING_SECONDS = 20.0


@pytest.fixture
def redis_proxy() -> Iterator[FaultProxy]:
    target = urlsplit(REDIS_URL)
    try:
        redis.Redis.from_url(REDIS_URL).flushdb()
    except redis.ConnectionError:
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    with fault_proxy(target.hostname or "127.0.0.1", target.port or 6379) as proxy:
        yield proxy


def proxied_url(proxy: FaultProxy) -> str:
    return f"redis://{proxy.address}{urlsplit(REDIS_URL).path}"


def test_a_rate_limited_post_answers_while_redis_hangs(
    database_url: str, db: Database, clock: FrozenClock, now: datetime, redis_proxy: FaultProxy
) -> None:
    make_event(db, now, slug="talk")
    settings = make_settings(
        database_url,
        rate_limit_enabled=True,
        rate_limit_register="1/hour",
        redis_url=proxied_url(redis_proxy),
        redis_breaker_seconds=600,  # stays open for the whole test
    )
    redis_proxy.set_mode(Mode.SILENT)
    statuses: list[int] = []

    def post_three() -> None:
        with https_client(create_app(settings, clock=clock, database=db)) as client:
            for i in range(3):
                statuses.append(
                    register_form(client, "talk", email=f"p{i}@example.org").status_code
                )

    posting = threading.Thread(target=post_three, daemon=True)
    posting.start()
    posting.join(HANGING_SECONDS)
    assert not posting.is_alive(), "a registration is still waiting for Redis"
    # Failed open: all three went through, though the limit is one an hour...
    assert statuses == [303, 303, 303]
    assert len(outbox(db)) == 3
    # ...and only the first asked Redis: the breaker kept the next two away from it.
    assert redis_proxy.accepted == 1


def test_the_breaker_tries_redis_again_when_its_time_is_up(redis_proxy: FaultProxy) -> None:
    seconds = [1000.0]
    limiter = RateLimiter(
        enabled=True,
        redis_url=proxied_url(redis_proxy),
        limits={"register": "2/hour"},
        breaker_seconds=10,
        monotonic=lambda: seconds[0],
    )
    redis_proxy.set_mode(Mode.SILENT)
    assert limiter.hit("register", "client").allowed  # one timeout, then fail open
    assert redis_proxy.accepted == 1
    seconds[0] += 9
    assert limiter.hit("register", "client").allowed  # breaker open: Redis not asked
    assert redis_proxy.accepted == 1
    seconds[0] += 2
    assert limiter.hit("register", "client").allowed  # time is up: asked (and silent) again
    assert redis_proxy.accepted == 2

    # Redis is back: after the breaker's time the next attempt is counted, and the limit
    # holds again.
    redis_proxy.set_mode(Mode.PASS)
    seconds[0] += 11
    assert [limiter.hit("register", "client").allowed for _ in range(3)] == [True, True, False]
    assert limiter.strategy.get_window_stats(parse("2/hour"), "register", "client").remaining == 0
