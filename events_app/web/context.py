"""What a view needs from the running app, in one typed object, and how pages are rendered."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from events_app.clock import Clock
from events_app.config import Settings
from events_app.content import CONTENT_CHANGED, DEPENDENCIES_CHANGED
from events_app.db import Database
from events_app.site_urls import SiteUrls
from events_app.web.extensions import WebExtensions
from events_app.web.page_cache import PageCache
from events_app.web.page_dependencies import declare_recorded
from events_app.web.rate_limit import RateLimiter

PUBLIC_CACHE_CONTROL = "public, no-cache"
T = TypeVar("T")


@dataclass
class AppContext:
    settings: Settings
    db: Database
    clock: Clock
    urls: SiteUrls  # the one URL builder (events_app/site_urls.py), from the app's router
    templates: Jinja2Templates
    page_cache: PageCache
    extensions: WebExtensions = field(default_factory=WebExtensions)
    parts: dict[type, object] = field(default_factory=dict)

    @property
    def site_tz(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)

    def now(self) -> datetime:
        return self.clock.now()

    def part(self, kind: type[T], make: Callable[[Settings, SiteUrls], T]) -> T:
        """The one `kind` this app holds for a feature (its email composer, its feed cache),
        made from the settings and the URL builder on first use. `web/` knows no feature:
        each feature names its own parts (for example `registration.notify.app_notifier`)."""
        held = self.parts.get(kind)
        if held is None:
            held = self.parts.setdefault(kind, make(self.settings, self.urls))
        return cast(T, held)

    @cached_property
    def rate_limiter(self) -> RateLimiter:
        return RateLimiter(
            enabled=self.settings.rate_limit_enabled,
            redis_url=self.settings.redis_url,
            timeout_seconds=self.settings.redis_timeout_seconds,
            breaker_seconds=self.settings.redis_breaker_seconds,
            limits={
                "register": self.settings.rate_limit_register,
                "share": self.settings.rate_limit_share,
                "share_recipient": self.settings.rate_limit_share_recipient,
                "share_daily": self.settings.rate_limit_share_daily,
            },
        )

    async def write(self, change: Callable[[Session], T]) -> T:
        """Run `change` in one write transaction (BEGIN IMMEDIATE on SQLite) in the thread
        pool. After it commits, if it changed what public pages show (`mark_content_changed`),
        this process's page cache forgets its pages, so the change shows at once; if it only
        changed values some pages depend on (`mark_dependency_changed`: an event's seats),
        only those pages go. Calendar feeds need nothing here: they check the calendar
        version on every request. The database's lock timeout counts from now, so it
        includes the wait for a thread."""
        arrived = time.monotonic()

        def run() -> tuple[T, bool, set[str]]:
            with self.db.write(since=arrived) as session:
                result = change(session)
                changed = bool(session.info.get(CONTENT_CHANGED))
                keys = set(session.info.get(DEPENDENCIES_CHANGED, ()))
            return result, changed, keys

        result, changed, keys = await run_in_threadpool(run)
        if changed:
            self.page_cache.invalidate()
        for key in keys:
            self.page_cache.forget(key)
        return result

    async def read(self, load: Callable[[Session], T]) -> T:
        """Run `load` with a read-only session. On SQLite it runs right here: in WAL mode a
        read never waits for a writer and takes well under a millisecond, less than handing
        it to a worker thread and back. On PostgreSQL each query is a network round trip,
        which must not hold up the event loop, so it goes to the thread pool."""

        def run() -> T:
            with self.db.read() as session:
                return load(session)

        if self.db.is_sqlite:
            return run()
        return await run_in_threadpool(run)


def app_context(request: Request) -> AppContext:
    context: AppContext = request.app.state.context
    return context


def render_page(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
    public: bool = True,
) -> Response:
    """Render a template. Public pages may be cached by the page cache and by proxies, and
    must be revalidated (ETag) before reuse."""
    templates = app_context(request).templates
    response = templates.TemplateResponse(request, template, context, status_code=status_code)
    response.headers["cache-control"] = PUBLIC_CACHE_CONTROL if public else "no-store"
    if public:  # what the templates recorded they show (web/page_dependencies.py)
        declare_recorded(request, response)
    return response
