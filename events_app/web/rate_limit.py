"""Rate limits per client address with the `limits` library: counted in Redis when
EVENTS_REDIS_URL is set (so every process shares them), otherwise in this process's memory.
Moving windows: "10/hour" means no more than ten in any sixty minutes."""

from __future__ import annotations

import logging
import math
import time
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
        if not self.enabled:
            return ALLOWED
        items = self.limits.get(name, [])
        try:
            for item in items:
                if not self.strategy.test(item, name, client):
                    reset = self.strategy.get_window_stats(item, name, client).reset_time
                    return Verdict(False, max(1, math.ceil(reset - time.time())))
            for item in items:
                self.strategy.hit(item, name, client)
        except Exception:
            logger.warning("rate limit store unavailable; allowing %s", name, exc_info=True)
        return ALLOWED
