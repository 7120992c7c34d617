"""The calendar's template filter: a feed's address as a webcal:// link."""

from __future__ import annotations

from collections.abc import Callable

from jinja2 import Environment

from events_app.calendar.links import webcal_url
from events_app.config import Settings
from events_app.web.extensions import WebExtensions


def add_filters(env: Environment, _settings: Settings) -> None:
    absolute_url: Callable[[str], str] = env.globals["absolute_url"]  # type: ignore[assignment]
    env.filters["webcal"] = lambda path: webcal_url(absolute_url(path))


def register(extensions: WebExtensions) -> None:
    extensions.add_templates(add_filters)
