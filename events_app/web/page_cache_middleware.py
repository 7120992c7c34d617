"""The page cache as middleware: answers a request from a stored page, or renders it and
stores it when the view declares it public (web/page_cache.py holds the pages and the rules)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from events_app.db_errors import DATABASE_ERRORS
from events_app.web.page_cache import CachedPage, PageCache
from events_app.web.page_dependencies import Dependency, take_dependencies
from events_app.web.validators import Validators, make_etag, request_header, send_stored

_SKIPPED_HEADERS = {b"content-length", b"etag"}
# Never cached, and must not depend on the database through the cache: health checks, static
# files and media (which validate themselves, web/static_files.py, web/media_files.py).
BYPASS_PREFIXES = ("/static/", "/media/", "/healthz")
logger = logging.getLogger("events_app.page_cache")
# The shortest time between two renderings of one page ahead of its visitors (its seats moved).
RENDER_AGAIN_GAP_SECONDS = 0.1


def _is_public(headers: list[tuple[bytes, bytes]]) -> bool:
    if any(key.lower() == b"set-cookie" for key, _value in headers):
        return False
    return any(k.lower() == b"cache-control" and b"public" in v for k, v in headers)


def _replayable(scope: Scope) -> dict[str, Any]:
    """The request as any visitor could have sent it: its path and host, none of its own
    headers (cookies, validators)."""
    kept = [(k, v) for k, v in scope.get("headers", []) if k == b"host"]
    replay = {k: v for k, v in scope.items() if k not in ("headers", "state")}
    return {**replay, "method": "GET", "headers": kept, "state": scope.get("state")}


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _discard(message: Message) -> None:
    return None


def _without_dependency(send: Send) -> Send:
    """For answers that are never stored: the declaration is removed all the same."""

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            if take_dependencies(headers):
                message = {**message, "headers": headers}
        await send(message)

    return sending


@dataclass(frozen=True)
class Rendering:
    at: datetime  # on the app's clock: what the page shows is valid from here
    started: float  # on the cache's monotonic clock
    dependencies: tuple[Dependency, ...]  # what the view declared it shows


async def answer_unavailable(scope: Scope, receive: Receive, send: Send) -> None:
    """The 503 for a page the cache does not hold while the database is down."""
    from events_app.web.unavailable import unavailable_response

    await unavailable_response(Request(scope))(scope, receive, send)


class PageCacheMiddleware:
    """Outside the other middleware (app.py): a hit is answered here and nothing else runs
    for it, so what the layers inside add to a response (the security headers) is stored with
    the page. `unavailable` answers the cache's own 503, with what those layers would add."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        cache: PageCache,
        unavailable: ASGIApp = answer_unavailable,
        render_gap: float = RENDER_AGAIN_GAP_SECONDS,
    ) -> None:
        self.app = app
        self.cache = cache
        self.unavailable = unavailable
        self._gap = render_gap
        self._warming: set[bytes] = set()
        self._waiting: dict[bytes, dict[str, Any]] = {}  # page -> request to replay
        self._tasks: set[asyncio.Task[None]] = set()
        cache.on_forget = self._render_again_soon

    def _render_again_soon(self, dropped: list[tuple[bytes, dict[str, Any]]]) -> None:
        """A write in this process changed what these pages show (an event's seats): render
        them again now, in the background, rather than in the next visitor's request. When a
        newsletter sends thousands to one event, the first reader after each registration
        then gets the page from memory. One rendering per page at a time, and at most one
        per `render_gap` seconds: a burst of registrations on one event would otherwise
        render its page once per registration, about as much work as the registrations
        themselves, for a page nobody may ask for in between."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # forgotten outside the server's loop (a command, a test)
            return
        if not self.cache.enabled:
            return
        for key, replay in dropped:
            self._waiting[key] = replay  # the newest request to replay
            if key in self._warming:
                continue  # its task renders it again after its gap
            self._warming.add(key)
            task = loop.create_task(self._render_again(key))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    @property
    def render_gap(self) -> float:
        # Well inside the check interval, the longest any process may show old seats.
        return min(self._gap, self.cache.check_seconds / 4)

    async def _render_again(self, key: bytes) -> None:
        last: dict[str, Any] | None = None
        retried = False
        try:
            while True:
                replay = self._waiting.pop(key, None)
                if replay is not None:
                    retried = False
                elif last is not None and not retried and not self.cache.holds(key):
                    # A write during the rendering kept it from being stored (it may show
                    # the old seats), and dropped nothing to tell us: once more.
                    replay, retried = last, True
                else:
                    return
                last = replay
                await self._render_quietly(key, replay)
                # Writes in the meantime wait out the gap, then make one rendering.
                await asyncio.sleep(self.render_gap)
        finally:
            self._warming.discard(key)
            self._waiting.pop(key, None)

    async def _render_quietly(self, key: bytes, replay: dict[str, Any]) -> None:
        try:
            check = await self.cache.check_version()
            if check.confirmed:
                validators = Validators(None, None)
                scope = {**replay, "state": dict(replay.get("state") or {})}
                await self._render(scope, _no_body, _discard, key, check.version, validators)
        except Exception:  # a page not rendered ahead is rendered by its next visitor
            logger.debug("page cache: rendering %r again failed", key, exc_info=True)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, _without_dependency(send))
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
        dependencies: tuple[Dependency, ...] = ()
        chunks: list[bytes] = []
        rendered_at = self.cache.clock.now()
        render_started = self.cache.monotonic()

        async def capture(message: Message) -> None:
            nonlocal started, dependencies
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                dependencies = take_dependencies(headers)  # never sent to a client
                message = {**message, "headers": headers}
                if message["status"] == 200 and _is_public(headers):
                    started = message
                    return
                await send(message)
            elif message["type"] == "http.response.body" and started is not None:
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    rendering = Rendering(rendered_at, render_started, dependencies)
                    body = b"".join(chunks)
                    await self._finish(
                        scope, send, started, body, key, version, validators, rendering
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
        rendering: Rendering,
    ) -> None:
        etag = make_etag(body)
        headers = [(k, v) for k, v in started["headers"] if k.lower() not in _SKIPPED_HEADERS]
        headers.append((b"etag", etag))
        head = scope["method"] == "HEAD"
        if self.cache.enabled and version is not None and not head:
            try:
                valid_until = await self.cache.next_change(version, rendering.at)
            except DATABASE_ERRORS:  # the page is right; only keeping it needs the database
                logger.warning("page cache: cannot read the next change; not stored")
            else:
                page = CachedPage(
                    headers,
                    body,
                    etag,
                    version,
                    valid_until,
                    rendering.at,
                    depends_on=rendering.dependencies,
                    render_started=rendering.started,
                    replay=_replayable(scope) if rendering.dependencies else None,
                )
                self.cache.store(key, page)
        await send_stored(send, headers, body, etag, validators, head=head)
