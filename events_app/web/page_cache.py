"""Public pages cached as bytes, with strong ETags and 304s.

A page is stored when its view declares it public (Cache-Control: public). A stored page is
served while (a) the content version in the database is the one it was rendered at and (b) the
clock has not reached the next moment at which public content changes by itself (an event
going live, starting or ending). So a scheduled event appears at its go-live moment with no
restart. Each process checks the version at most every `check_seconds`: a change made by
another process shows within that delay; a change made here shows at once (see `invalidate`).

A stored page is valid from the moment it was rendered to the next change: a clock that steps
back before its rendering (past a publish_at, say) drops it too.

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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Connection
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from events_app.clock import Clock
from events_app.content import content_version, next_content_change
from events_app.db import Database
from events_app.db_errors import DATABASE_ERRORS
from events_app.web.bounded_call import BoundedCall
from events_app.web.validators import Validators, make_etag, request_header, send_stored

_SKIPPED_HEADERS = {b"content-length", b"etag"}
# Never cached, and must not depend on the database through the cache: health checks and
# static files (which validate themselves, web/static_files.py).
BYPASS_PREFIXES = ("/static/", "/healthz")
logger = logging.getLogger("events_app.page_cache")
# How long a request waits for the database to confirm the content version before the cache
# answers from what it holds.
VERSION_WAIT_SECONDS = 0.25


@dataclass(frozen=True)
class CachedPage:
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: bytes
    version: int
    valid_until: datetime | None
    rendered_at: datetime

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
        self._version_call = BoundedCall(self._read_version, name="page-cache-version")
        self._last_check = VersionCheck(-1, confirmed=False)
        self._outage_logged = False

    def invalidate(self) -> None:
        """Forget everything now (after a write made by this process)."""
        self._entries.clear()
        self._boundary = None
        self._checked_at = float("-inf")

    def _read_version(self) -> int:
        def read(connection: Connection) -> int:
            with Session(bind=connection) as session:
                return content_version(session=session)

        return self.db.probe(read)

    async def check_version(self) -> VersionCheck:
        """Asks at most every `check_seconds`, in an outage too (no storm of connection
        attempts on a database that is coming back)."""
        if self._monotonic() - self._checked_at < self.check_seconds:
            return self._last_check
        try:
            version = await self._version_call(VERSION_WAIT_SECONDS)
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
        if version != self._version:
            self._entries.clear()
            self._boundary = None
            self._version = version
        return self._checked(VersionCheck(version, confirmed=True))

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
        if entry.version != version or not entry.valid_at(now):
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return entry

    def lookup_stale(self, key: bytes, now: datetime) -> CachedPage | None:
        """A stored page while the database cannot confirm the version: the last version it
        told, within `stale_seconds` of that answer."""
        if self._monotonic() - self._answered_at > self.stale_seconds:
            return None
        return self.lookup(key, self._version, now)

    def store(self, key: bytes, entry: CachedPage) -> None:
        self._entries[key] = entry
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)


def _is_public(headers: list[tuple[bytes, bytes]]) -> bool:
    if any(key.lower() == b"set-cookie" for key, _value in headers):
        return False
    return any(k.lower() == b"cache-control" and b"public" in v for k, v in headers)


async def answer_unavailable(scope: Scope, receive: Receive, send: Send) -> None:
    """The 503 for a page the cache does not hold while the database is down."""
    from events_app.web.unavailable import unavailable_response

    await unavailable_response(Request(scope))(scope, receive, send)


class PageCacheMiddleware:
    """Outside the other middleware (app.py): a hit is answered here and nothing else runs
    for it, so what the layers inside add to a response (the security headers) is stored with
    the page. `unavailable` answers the cache's own 503, with what those layers would add."""

    def __init__(
        self, app: ASGIApp, *, cache: PageCache, unavailable: ASGIApp = answer_unavailable
    ) -> None:
        self.app = app
        self.cache = cache
        self.unavailable = unavailable

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        if scope["path"].startswith(BYPASS_PREFIXES):
            await self.app(scope, receive, send)
            return
        cache = self.cache
        key = scope["path"].encode() + b"?" + scope["query_string"]
        validators = Validators(
            request_header(scope, b"if-none-match"), request_header(scope, b"if-modified-since")
        )
        version: int | None = None  # None: do not store what is rendered
        if cache.enabled:
            check = await cache.check_version()
            now = cache.clock.now()
            if check.confirmed:
                version = check.version
                entry = cache.lookup(key, version, now)
            else:
                entry = cache.lookup_stale(key, now)
                if entry is None and check.failed:
                    # The database is down and the page is not held: the view would fail.
                    await self.unavailable(scope, receive, send)
                    return
            if entry is not None:
                await send_stored(
                    send,
                    entry.headers,
                    entry.body,
                    entry.etag,
                    validators,
                    head=scope["method"] == "HEAD",
                )
                return
        await self._render(scope, receive, send, key, version, validators)

    async def _render(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        key: bytes,
        version: int | None,
        validators: Validators,
    ) -> None:
        started: Message | None = None
        chunks: list[bytes] = []
        rendered_at = self.cache.clock.now()

        async def capture(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if message["status"] == 200 and _is_public(headers):
                    started = message
                    return
                await send(message)
            elif message["type"] == "http.response.body" and started is not None:
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    await self._finish(
                        scope,
                        send,
                        started,
                        b"".join(chunks),
                        key,
                        version,
                        validators,
                        rendered_at,
                    )
            else:
                await send(message)

        await self.app(scope, receive, capture)

    async def _finish(
        self,
        scope: Scope,
        send: Send,
        started: Message,
        body: bytes,
        key: bytes,
        version: int | None,
        validators: Validators,
        rendered_at: datetime,
    ) -> None:
        etag = make_etag(body)
        headers = [(k, v) for k, v in started["headers"] if k.lower() not in _SKIPPED_HEADERS]
        headers.append((b"etag", etag))
        head = scope["method"] == "HEAD"
        if self.cache.enabled and version is not None and not head:
            try:
                valid_until = await self.cache.next_change(version, rendered_at)
            except DATABASE_ERRORS:  # the page is right; only keeping it needs the database
                logger.warning("page cache: cannot read the next change; not stored")
            else:
                page = CachedPage(headers, body, etag, version, valid_until, rendered_at)
                self.cache.store(key, page)
        await send_stored(send, headers, body, etag, validators, head=head)
