"""The app's routes as tests walk them: every Route with its full path, a path with its
parameters filled in, and the URL builder made from them."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

from starlette.routing import BaseRoute, Mount, Route, Router

from events_app import routes
from events_app.config import Settings
from events_app.site_urls import SiteUrls

_PARAM = re.compile(r"\{(\w+)(?::(\w+))?\}")


def walk(routes: list[BaseRoute], prefix: str = "") -> Iterator[tuple[str, Route]]:
    """Every Route of the app with its full path, inside Mounts too."""
    for route in routes:
        if isinstance(route, Mount):
            yield from walk(list(route.routes), prefix + route.path)
        elif isinstance(route, Route):
            yield prefix + route.path, route


def concrete(path: str) -> str:
    def value(match: re.Match[str]) -> str:
        return {"int": "1", "uuid": str(uuid.uuid4())}.get(match.group(2) or "", "x")

    return _PARAM.sub(value, path)


def site_urls(base_url_or_settings: str | Settings) -> SiteUrls:
    """The app's URL builder without an app (as `events-app import` and the worker get it),
    for services that tests call directly."""
    if isinstance(base_url_or_settings, Settings):
        return routes.site_urls(base_url_or_settings)
    return SiteUrls(base_url_or_settings, Router(routes=routes.ROUTES).url_path_for)
