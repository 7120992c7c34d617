"""Public pages cached as bytes, with strong ETags and 304s.

A page is stored when its view declares it public (Cache-Control: public). A stored page is
served while (a) the content version in the database is the one it was rendered at and (b) the
clock has not reached the next moment at which public content changes by itself (an event
going live, starting or ending). So a scheduled event appears at its go-live moment with no
restart. Each process checks the version at most every `check_seconds`: a change made by
another process shows within that delay; a change made here shows at once (see `invalidate`).

A stored page is valid from the moment it was rendered to the next change: a clock that steps
back before its rendering (past a publish_at, say) drops it too.

A page may also depend on a value that changes without a content change (an event's seats:
web/page_dependencies.py). The same check reads the current value of every such key the cache
holds pages for, in the same probe; a page whose value moved is dropped, and only that page.
A write made here drops the pages of the keys it changed at once (`forget`).

Serving a stored page never waits on the database or the thread pool for long: the version is
read on a pool and thread of its own (Database.probe, BoundedCall) and waited for at most
VERSION_WAIT_SECONDS. When the database cannot say (slow, silent or down), what the cache holds
is served as it stands, for at most `stale_seconds` after the last answer; a page it does not
hold answers 503 with Retry-After when the database failed, and is rendered when it is only
slow.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from events_app.clock import Clock
from events_app.content import content_version, next_content_change
from events_app.db import Database
from events_app.db_errors import DATABASE_ERRORS
from events_app.web.bounded_call import BoundedCall
from events_app.web.page_dependencies import Dependency, DependencyReader, read_dependencies

logger = logging.getLogger("events_app.page_cache")
# How long a request waits for the database to confirm the content version before the cache
# answers from what it holds.
VERSION_WAIT_SECONDS = 0.25
# How long `forget` remembers a key, to refuse a page whose rendering began before it (and
# so may show the old value). Far longer than any rendering.
FORGET_MEMORY_SECONDS = 60.0


@dataclass(frozen=True)
class CachedPage:
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: bytes
    version: int
    valid_until: datetime | None
    rendered_at: datetime
    depends_on: tuple[Dependency, ...] = ()
    render_started: float = 0.0  # on the cache's monotonic clock
    # The request it was rendered for, without the visitor's own headers: to render it again
    # when a write here changes what it shows (page_cache_middleware.py).
    replay: dict[str, Any] | None = field(default=None, compare=False, repr=False)

    def valid_at(self, now: datetime) -> bool:
        """Between its rendering and the next change: a clock stepping back or forward past
        either end (a publish_at, an event's start or end) makes it wrong."""
        return self.rendered_at <= now and (self.valid_until is None or now < self.valid_until)


@dataclass(frozen=True)
class VersionCheck:
    """What the database said about the content version, or that it could not say."""

    version: int
    confirmed: bool
    failed: bool = False  # the database answered with an error (not just slowly)


@dataclass(frozen=True)
class ProbeResult:
    version: int
    values: dict[str, str] = field(default_factory=dict)  # dependency key -> current value
    keys: tuple[str, ...] = ()  # the keys asked for (a key without a value is gone)
    read_at: float = 0.0  # on the cache's monotonic clock, when the reading began


class PageCache:
    def __init__(
        self,
        *,
        db: Database,
        clock: Clock,
        enabled: bool,
        check_seconds: float,
        stale_seconds: float = 300.0,
        max_entries: int = 500,
        monotonic: Callable[[], float] = time.monotonic,
        dependency_readers: Mapping[str, DependencyReader] | None = None,
    ) -> None:
        self.db, self.clock, self.enabled = db, clock, enabled
        self.check_seconds, self.max_entries = check_seconds, max_entries
        self.stale_seconds = stale_seconds
        self._monotonic = monotonic
        self._entries: OrderedDict[bytes, CachedPage] = OrderedDict()
        self._version = -1
        self._checked_at = float("-inf")
        self._answered_at = float("-inf")  # when the database last told the version
        # (version, computed at, next change): the next change holds only from `computed at`.
        self._boundary: tuple[int, datetime, datetime | None] | None = None
        self._version_call = BoundedCall(self._read_state, name="page-cache-version")
        self._last_check = VersionCheck(-1, confirmed=False)
        self._outage_logged = False
        self._readers = dict(dependency_readers or {})
        self._probe_keys: tuple[str, ...] = ()  # what the next probe asks for
        self._seen: dict[str, tuple[str | None, float]] = {}  # key -> (value, read at)
        self._forgotten: dict[str, float] = {}  # key -> when this process changed it
        self._generation = 0  # rises with every answer about the values
        # Told which pages `forget` dropped (the middleware renders them again at once).
        self.on_forget: Callable[[list[tuple[bytes, dict[str, Any]]]], None] | None = None
        self._confirmed: dict[bytes, int] = {}  # page -> the generation it was last found right

    def invalidate(self) -> None:
        """Forget everything now (after a write made by this process)."""
        self._entries.clear()
        self._confirmed.clear()
        self._boundary = None
        self._checked_at = float("-inf")

    def forget(self, key: str) -> None:
        """Drop the pages that depend on `key` now (after a write made by this process that
        changed it); the pages of other keys stay."""
        self._forgotten[key] = self._monotonic()
        dropped = [(k, e) for k, e in self._entries.items() if _depends_on(e, key)]
        for page_key, _entry in dropped:
            del self._entries[page_key]
            self._confirmed.pop(page_key, None)
        if self.on_forget is not None:
            self.on_forget([(k, e.replay) for k, e in dropped if e.replay is not None])

    def holds(self, key: bytes) -> bool:
        return key in self._entries

    def _read_state(self) -> ProbeResult:
        keys, now, read_at = self._probe_keys, self.clock.now(), self._monotonic()

        def read(connection: Connection) -> ProbeResult:
            with Session(bind=connection) as session:
                version = content_version(session=session)
                values = read_dependencies(self._readers, session=session, now=now, keys=keys)
            return ProbeResult(version, values, keys, read_at)

        return self.db.probe(read)

    async def check_version(self) -> VersionCheck:
        """Asks at most every `check_seconds`, in an outage too (no storm of connection
        attempts on a database that is coming back)."""
        if self._monotonic() - self._checked_at < self.check_seconds:
            return self._last_check
        self._probe_keys = tuple({d.key for e in self._entries.values() for d in e.depends_on})
        try:
            probe = await self._version_call(VERSION_WAIT_SECONDS)
        except TimeoutError:
            self._log_outage("no answer in %s s", VERSION_WAIT_SECONDS)
            return self._checked(VersionCheck(self._version, confirmed=False))
        except DATABASE_ERRORS as exc:
            self._log_outage("%s", exc.__class__.__name__)
            return self._checked(VersionCheck(self._version, confirmed=False, failed=True))
        if self._outage_logged:
            logger.warning("page cache: the database answers again")
            self._outage_logged = False
        self._answered_at = self._monotonic()
        version = probe.version
        if version != self._version:
            self._entries.clear()
            self._boundary = None
            self._version = version
        self._take_values(probe)
        return self._checked(VersionCheck(version, confirmed=True))

    def _take_values(self, probe: ProbeResult) -> None:
        self._seen = {key: (probe.values.get(key), probe.read_at) for key in probe.keys}
        self._generation += 1
        self._confirmed.clear()
        horizon = probe.read_at - FORGET_MEMORY_SECONDS
        self._forgotten = {k: at for k, at in self._forgotten.items() if at > horizon}

    def _still_shows(self, entry: CachedPage) -> bool:
        """Whether each value a page depends on is (as far as the last check knows) the one
        it shows. A check older than the page's rendering knows nothing about it."""
        for dependency in entry.depends_on:
            seen = self._seen.get(dependency.key)
            if seen is not None and seen[1] >= entry.render_started and seen[0] != dependency.value:
                return False
        return True

    def _checked(self, check: VersionCheck) -> VersionCheck:
        self._checked_at, self._last_check = self._monotonic(), check
        return check

    async def current_version(self) -> int:
        return (await self.check_version()).version

    def _log_outage(self, reason: str, *args: object) -> None:
        if not self._outage_logged:
            logger.warning(
                "page cache: cannot read the content version (" + reason + "); serving "
                "stored pages stale for up to %s s",
                *args,
                self.stale_seconds,
            )
            self._outage_logged = True

    def _read_next_change(self, now: datetime) -> datetime | None:
        with self.db.read() as session:
            return next_content_change(session=session, now=now)

    async def next_change(self, version: int, now: datetime) -> datetime | None:
        boundary = self._boundary
        if (
            boundary is None
            or boundary[0] != version
            or now < boundary[1]  # the clock stepped back: a change may lie in between
            or (boundary[2] and boundary[2] <= now)
        ):
            boundary = (version, now, await run_in_threadpool(self._read_next_change, now))
            self._boundary = boundary
        return boundary[2]

    def lookup(self, key: bytes, version: int, now: datetime) -> CachedPage | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.version != version or not entry.valid_at(now) or not self._shows_seen(key, entry):
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return entry

    def _shows_seen(self, key: bytes, entry: CachedPage) -> bool:
        """`_still_shows`, asked once per check: a listing depends on fifty values, and
        comparing them on every hit cost a tenth of its rate."""
        if not entry.depends_on or self._confirmed.get(key) == self._generation:
            return True
        if not self._still_shows(entry):
            return False
        self._confirmed[key] = self._generation
        return True

    def lookup_stale(self, key: bytes, now: datetime) -> CachedPage | None:
        """A stored page while the database cannot confirm the version: the last version it
        told, within `stale_seconds` of that answer."""
        if self._monotonic() - self._answered_at > self.stale_seconds:
            return None
        return self.lookup(key, self._version, now)

    def store(self, key: bytes, entry: CachedPage) -> None:
        for dependency in entry.depends_on:
            forgotten = self._forgotten.get(dependency.key)
            # Rendered before a write here changed its value: it may show the old one.
            if forgotten is not None and forgotten >= entry.render_started:
                return
        if not self._still_shows(entry):
            return
        self._entries[key] = entry
        self._confirmed[key] = self._generation  # just found right (above)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def monotonic(self) -> float:
        return self._monotonic()


def _depends_on(entry: CachedPage, key: str) -> bool:
    return any(dependency.key == key for dependency in entry.depends_on)
