"""Public pages cached as bytes, with strong ETags and 304s.

A page is stored when its view declares it public (Cache-Control: public). A stored page is
served while (a) the content version in the database is the one it was rendered at and (b) the
clock has not reached the next moment at which public content changes by itself (an event
going live, starting or ending). So a scheduled event appears at its go-live moment with no
restart. Each process checks the version at most every `check_seconds`: a change made by
another process shows within that delay; a change made here shows at once (see `invalidate`).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime

from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from events_app.clock import Clock
from events_app.content import content_version, next_content_change
from events_app.db import Database
from events_app.web.conditional import etag_matches, not_modified_since

_SKIPPED_HEADERS = {b"content-length", b"etag"}
_KEPT_ON_304 = (b"etag", b"cache-control", b"vary", b"last-modified")
# Never cached, and must not depend on the database through the cache: health checks and
# static files (which StaticFiles validates by itself).
BYPASS_PREFIXES = ("/static/", "/healthz")
logger = logging.getLogger("events_app.page_cache")


@dataclass(frozen=True)
class CachedPage:
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: bytes
    version: int
    valid_until: datetime | None


def make_etag(body: bytes) -> bytes:
    # SHA-256 runs in OpenSSL with the CPU's SHA instructions: for a 40 kB page it is more
    # than twice as fast as BLAKE2b here, and it runs on the event loop for every render.
    return b'"' + hashlib.sha256(body).hexdigest()[:32].encode() + b'"'


@dataclass(frozen=True)
class Validators:
    """What the client says it holds: If-None-Match wins over If-Modified-Since (RFC 9110)."""

    if_none_match: bytes | None = None
    if_modified_since: bytes | None = None

    def not_modified(self, etag: bytes, headers: list[tuple[bytes, bytes]]) -> bool:
        if self.if_none_match is not None:
            return etag_matches(self.if_none_match.decode("latin-1"), etag.decode("latin-1"))
        if self.if_modified_since is None:
            return False
        # Only responses that state a Last-Modified (calendar feeds) answer a date.
        last_modified = next((v for k, v in headers if k == b"last-modified"), None)
        return last_modified is not None and not_modified_since(
            self.if_modified_since.decode("latin-1"), _parse_http_date(last_modified)
        )


def _parse_http_date(value: bytes) -> datetime:
    return parsedate_to_datetime(value.decode("latin-1"))


class PageCache:
    def __init__(
        self,
        *,
        db: Database,
        clock: Clock,
        enabled: bool,
        check_seconds: float,
        max_entries: int = 500,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.db, self.clock, self.enabled = db, clock, enabled
        self.check_seconds, self.max_entries = check_seconds, max_entries
        self._monotonic = monotonic
        self._entries: OrderedDict[bytes, CachedPage] = OrderedDict()
        self._version = -1
        self._checked_at = float("-inf")
        self._boundary: tuple[int, datetime | None] | None = None

    def invalidate(self) -> None:
        """Forget everything now (after a write made by this process)."""
        self._entries.clear()
        self._boundary = None
        self._checked_at = float("-inf")

    def _read_version(self) -> int:
        with self.db.read() as session:
            return content_version(session=session)

    async def current_version(self) -> int:
        if self._monotonic() - self._checked_at >= self.check_seconds:
            version = await run_in_threadpool(self._read_version)
            self._checked_at = self._monotonic()
            if version != self._version:
                self._entries.clear()
                self._boundary = None
                self._version = version
        return self._version

    def _read_next_change(self, now: datetime) -> datetime | None:
        with self.db.read() as session:
            return next_content_change(session=session, now=now)

    async def next_change(self, version: int, now: datetime) -> datetime | None:
        boundary = self._boundary
        if boundary is None or boundary[0] != version or (boundary[1] and boundary[1] <= now):
            boundary = (version, await run_in_threadpool(self._read_next_change, now))
            self._boundary = boundary
        return boundary[1]

    def lookup(self, key: bytes, version: int, now: datetime) -> CachedPage | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.version != version or (entry.valid_until and entry.valid_until <= now):
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return entry

    def store(self, key: bytes, entry: CachedPage) -> None:
        self._entries[key] = entry
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return None


def _is_public(headers: list[tuple[bytes, bytes]]) -> bool:
    if any(key.lower() == b"set-cookie" for key, _value in headers):
        return False
    return any(k.lower() == b"cache-control" and b"public" in v for k, v in headers)


class PageCacheMiddleware:
    def __init__(self, app: ASGIApp, *, cache: PageCache) -> None:
        self.app = app
        self.cache = cache

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
            _header(scope, b"if-none-match"), _header(scope, b"if-modified-since")
        )
        version = -1
        if cache.enabled:
            try:
                version = await cache.current_version()
            except SQLAlchemyError:
                # The database is unreachable: let the view answer (and fail) as it would
                # without a cache, rather than failing here with less context.
                logger.warning("page cache: cannot read the content version", exc_info=True)
                await self.app(scope, receive, send)
                return
            entry = cache.lookup(key, version, cache.clock.now())
            if entry is not None:
                await _send_page(
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
        version: int,
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
        version: int,
        validators: Validators,
        rendered_at: datetime,
    ) -> None:
        etag = make_etag(body)
        headers = [(k, v) for k, v in started["headers"] if k.lower() not in _SKIPPED_HEADERS]
        headers.append((b"etag", etag))
        head = scope["method"] == "HEAD"
        if self.cache.enabled and not head:
            valid_until = await self.cache.next_change(version, rendered_at)
            self.cache.store(key, CachedPage(headers, body, etag, version, valid_until))
        await _send_page(send, headers, body, etag, validators, head=head)


async def _send_page(
    send: Send,
    headers: list[tuple[bytes, bytes]],
    body: bytes,
    etag: bytes,
    validators: Validators,
    *,
    head: bool,
) -> None:
    if validators.not_modified(etag, headers):
        kept = [(k, v) for k, v in headers if k in _KEPT_ON_304]
        await send({"type": "http.response.start", "status": 304, "headers": kept})
        await send({"type": "http.response.body", "body": b""})
        return
    length = str(len(body)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [*headers, (b"content-length", length)],
        }
    )
    await send({"type": "http.response.body", "body": b"" if head else body})
