"""Named rate limits with the `limits` library, each counted per key (a client address, a
hashed recipient address, or one key for the whole site): in Redis when EVENTS_REDIS_URL is
set (so every process shares them), otherwise in this process's memory. Moving windows:
"10/hour" means no more than ten in any sixty minutes."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence
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


class RateLimiter:
    def __init__(self, *, enabled: bool, redis_url: str, limits: dict[str, str]) -> None:
        self.enabled = enabled
        self.storage = (
            cast(Storage, storage_from_string(redis_url)) if redis_url else MemoryStorage()
        )
        self.strategy = MovingWindowRateLimiter(self.storage)
        self.limits: dict[str, list[RateLimitItem]] = {
            name: parse_many(spec) if spec.strip() else [] for name, spec in limits.items()
        }

    def hit(self, name: str, client: str) -> Verdict:
        """Count one attempt of `name` by `client`, unless one of its limits is reached.
        Blocking (Redis is a network round trip): call it from a worker thread. If the
        store cannot be reached the attempt is allowed and logged: a Redis outage must not
        take the registration form down with it."""
        return self.hit_all([(name, client)])

    def hit_all(self, checks: Sequence[tuple[str, str]]) -> Verdict:
        """One attempt counted against several limits at once, e.g. per client address and
        per recipient: every limit is tested before any is counted, so an attempt refused by
        one limit does not use up another."""
        if not self.enabled:
            return ALLOWED
        items = [(item, name, key) for name, key in checks for item in self.limits.get(name, [])]
        try:
            for item, name, key in items:
                if not self.strategy.test(item, name, key):
                    return self._refused(item, name, key)
            for item, name, key in items:
                # Another process may have taken the last slot since the test above.
                if not self.strategy.hit(item, name, key):
                    return self._refused(item, name, key)
        except Exception:
            logger.warning("rate limit store unavailable; allowing %s", checks[0][0], exc_info=True)
        return ALLOWED

    def _refused(self, item: RateLimitItem, name: str, key: str) -> Verdict:
        reset = self.strategy.get_window_stats(item, name, key).reset_time
        return Verdict(False, max(1, math.ceil(reset - time.time())))
