"""The one place that says what time it is.

Services take `now` as an argument; views ask the app's Clock. Tests replace the Clock with a
FrozenClock and move it, which is how go-live moments are tested without sleeping.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def utc_now() -> datetime:
    return datetime.now(UTC)


class Clock:
    def now(self) -> datetime:
        return utc_now()


class FrozenClock(Clock):
    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self._at = at.astimezone(UTC)

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = at.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        self._at += delta
