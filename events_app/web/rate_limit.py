"""Named rate limits with the `limits` library, each counted per key (a client address, a
hashed recipient address, or one key for the whole site): in Redis when EVENTS_REDIS_URL is
set (so every process shares them), otherwise in this process's memory. Moving windows:
"10/hour" means no more than ten in any sixty minutes.

Redis is asked with short connect and read timeouts (EVENTS_REDIS_TIMEOUT_SECONDS) and behind
a circuit breaker (EVENTS_REDIS_BREAKER_SECONDS): when Redis fails or hangs, attempts are
allowed (fail open) without asking it again until the breaker's time is up, so an outage
costs one timeout per breaker period, not one per request."""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import cast

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

logger = logging.getLogger("events_app.rate_limit")


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0


ALLOWED = Verdict(True)


class CircuitBreaker:
    """Open for `seconds` after a failure: callers skip the store meanwhile. Then one caller
    tries again (the others still skip it); success closes the breaker, failure re-opens it.

    Twenty lines rather than a dependency: pybreaker times itself with the wall clock, which
    steps, and circuitbreaker reads `time.monotonic` itself; neither lets a test drive its
    clock, which is how the reopening is tested without sleeping."""

    def __init__(self, seconds: float, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.monotonic = monotonic
        self._open_until: float | None = None
        self._lock = threading.Lock()

    def allows(self) -> bool:
        with self._lock:
            if self._open_until is None:
                return True
            now = self.monotonic()
            if now < self._open_until:
                return False
            self._open_until = now + self.seconds  # this caller tries; the rest keep skipping
            return True

    def succeeded(self) -> None:
        with self._lock:
            self._open_until = None

    def failed(self) -> None:
        with self._lock:
            self._open_until = self.monotonic() + self.seconds


class RateLimiter:
    def __init__(
        self,
        *,
        enabled: bool,
        redis_url: str,
        limits: dict[str, str],
        timeout_seconds: float = 0.3,
        breaker_seconds: float = 10.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.enabled = enabled
        # `limits` hands these options to redis.from_url: without them a silent Redis holds
        # the request until the kernel gives up on the connection, tens of seconds or more.
        options = {"socket_timeout": timeout_seconds, "socket_connect_timeout": timeout_seconds}
        self.storage = (
            cast(Storage, storage_from_string(redis_url, **options))
            if redis_url
            else MemoryStorage()
        )
        self.breaker = CircuitBreaker(breaker_seconds, monotonic)
        self.strategy = MovingWindowRateLimiter(self.storage)
        self.limits: dict[str, list[RateLimitItem]] = {
            name: parse_many(spec) if spec.strip() else [] for name, spec in limits.items()
        }

    def hit(self, name: str, client: str) -> Verdict:
        """Count one attempt of `name` by `client`, unless one of its limits is reached.
        Blocking (Redis is a network round trip): call it from a worker thread. If the
        store cannot be reached the attempt is allowed and logged: a Redis outage must not
        take the registration form down with it (see the circuit breaker above)."""
        return self.hit_all([(name, client)])

    def hit_all(self, checks: Sequence[tuple[str, str]]) -> Verdict:
        """One attempt counted against several limits at once, e.g. per client address and
        per recipient: every limit is tested before any is counted, so an attempt refused by
        one limit does not use up another."""
        if not self.enabled:
            return ALLOWED
        items = [(item, name, key) for name, key in checks for item in self.limits.get(name, [])]
        if not items or not self.breaker.allows():
            return ALLOWED
        try:
            verdict = self._check(items)
        except Exception:
            self.breaker.failed()
            logger.warning(
                "rate limit store unavailable; allowing attempts without counting them for %g s",
                self.breaker.seconds,
                exc_info=True,
            )
            return ALLOWED
        self.breaker.succeeded()
        return verdict

    def _check(self, items: list[tuple[RateLimitItem, str, str]]) -> Verdict:
        for item, name, key in items:
            if not self.strategy.test(item, name, key):
                return self._refused(item, name, key)
        for item, name, key in items:
            # Another process may have taken the last slot since the test above.
            if not self.strategy.hit(item, name, key):
                return self._refused(item, name, key)
        return ALLOWED

    def _refused(self, item: RateLimitItem, name: str, key: str) -> Verdict:
        reset = self.strategy.get_window_stats(item, name, key).reset_time
        return Verdict(False, max(1, math.ceil(reset - time.time())))
