"""What a view needs from the running app, in one typed object, and how pages are rendered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from events_app.clock import Clock
from events_app.config import Settings
from events_app.db import Database
from events_app.web.page_cache import PageCache

PUBLIC_CACHE_CONTROL = "public, no-cache"


@dataclass
class AppContext:
    settings: Settings
    db: Database
    clock: Clock
    templates: Jinja2Templates
    page_cache: PageCache

    @property
    def site_tz(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)

    def now(self) -> datetime:
        return self.clock.now()


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
    return response
