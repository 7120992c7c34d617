"""The link previews' template filter: schema.org data for <script type="application/ld+json">."""

from __future__ import annotations

from jinja2 import Environment
from markupsafe import Markup

from events_app.config import Settings
from events_app.previews.json_ld import script_json
from events_app.web.extensions import WebExtensions


def add_filters(env: Environment, _settings: Settings) -> None:
    # Safe inside <script type="application/ld+json">: no "<" is left to end it.
    env.filters["json_ld"] = lambda data: Markup(script_json(data))  # noqa: S704


def register(extensions: WebExtensions) -> None:
    extensions.add_templates(add_filters)
