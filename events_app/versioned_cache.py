"""A bounded store of things built from the database, each true only for the version it was
built at and, optionally, within a window of time.

The built calendar feeds (calendar/feed_cache.py) are kept this way: a version in the
database rises with every change they show, and a thing that changes by itself at a known
moment (an event going live, or leaving a 30-day window) carries that moment as the end of
its window. A clock stepping back before the moment it was built drops it too.

When the cache is asked about, or given, a version other than the one it holds, every
entry it holds was built at the other version, so all of them go at once: no stale entry
waits for its key to be asked for again. Beyond `max_entries`, the least recently used
entry goes. Callers in the thread pool share one instance, so every operation holds a lock.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class _Entry(Generic[V]):
    value: V
    valid_from: datetime | None
    valid_until: datetime | None

    def holds_at(self, now: datetime | None) -> bool:
        if now is None:
            return True
        if self.valid_from is not None and now < self.valid_from:
            return False
        return self.valid_until is None or now < self.valid_until


class VersionedLRU(Generic[K, V]):
    def __init__(self, *, max_entries: int) -> None:
        if max_entries < 1:
            raise ValueError("a cache must hold at least one entry")
        self.max_entries = max_entries
        self._entries: OrderedDict[K, _Entry[V]] = OrderedDict()
        self._version: int | None = None
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:  # not in the middle of a put, between storing and evicting
            return len(self._entries)

    @property
    def version(self) -> int | None:
        """The version every entry was built at (None before the first one)."""
        return self._version

    def _adopt(self, version: int) -> None:
        if version != self._version:
            self._entries.clear()
            self._version = version

    def get(self, key: K, *, version: int, now: datetime | None = None) -> V | None:
        """The value stored for `key` if it was built at `version` and its window holds at
        `now` (not checked when None); else None, and an entry that no longer holds is
        dropped."""
        with self._lock:
            self._adopt(version)
            entry = self._entries.get(key)
            if entry is None:
                return None
            if not entry.holds_at(now):
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry.value

    def put(
        self,
        key: K,
        value: V,
        *,
        version: int,
        valid_from: datetime | None = None,
        valid_until: datetime | None = None,
    ) -> None:
        """Store `value`, built at `version`, true from `valid_from` until just before
        `valid_until` (either end may be open)."""
        with self._lock:
            self._adopt(version)
            self._entries[key] = _Entry(value, valid_from, valid_until)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget everything (after a change this process made itself)."""
        with self._lock:
            self._entries.clear()
