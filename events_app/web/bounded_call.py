"""A blocking call the event loop waits for only so long, one at a time.

/healthz and the page cache must answer within a bound whatever the database does, and must
not queue behind the thread pool that views use (when the database hangs, that pool fills
up). So the call runs in a daemon thread of its own; concurrent callers share the call in
flight instead of starting more; each caller waits at most its bound and gets TimeoutError,
while the call itself runs on to its own deadline (db_probe.py).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class BoundedCall(Generic[T]):
    def __init__(self, call: Callable[[], T], *, name: str) -> None:
        self._call, self._name = call, name
        self._future: Future[T] | None = None
        self._lock = threading.Lock()

    def _start(self) -> Future[T]:
        future: Future[T] = Future()

        def run() -> None:
            try:
                future.set_result(self._call())
            except BaseException as exc:  # handed to the waiting callers
                future.set_exception(exc)

        threading.Thread(target=run, name=self._name, daemon=True).start()
        return future

    async def __call__(self, wait: float) -> T:
        """The call's result; TimeoutError when it has not finished within `wait` seconds."""
        with self._lock:
            future = self._future
            if future is None or future.done():
                future = self._future = self._start()
        waiting = asyncio.wrap_future(future)
        # A caller that gave up does not read the outcome; mark it read so that asyncio does
        # not log "Future exception was never retrieved" for every late failure.
        waiting.add_done_callback(_read_outcome)
        return await asyncio.wait_for(asyncio.shield(waiting), wait)


def _read_outcome(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()
