"""What the features add to the HTTP toolkit at start-up. `web/` knows no feature: each
feature's `register(extensions)` hands it template filters and globals and the error pages it
renders itself (the JSON API answers errors as problem documents), and `create_app` calls
them all before the first request."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from jinja2 import Environment
from starlette.requests import Request
from starlette.responses import Response

from events_app.config import Settings

# Adds filters and globals to the page environment. The environment's own globals (path_for,
# absolute_url, static_url, ...) are there already.
TemplateHook = Callable[[Environment, Settings], None]


class ErrorRenderer(Protocol):
    """A feature's own answer to an error on its paths, or None to leave it to the site's
    error pages. `exc` is set for an HTTPException, None for a 500 or a refused body."""

    def __call__(
        self,
        request: Request,
        status: int,
        *,
        exc: Exception | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response | None: ...


@dataclass
class WebExtensions:
    template_hooks: list[TemplateHook] = field(default_factory=list)
    # Run after every other hook: they compile macros, which need every filter and global.
    late_template_hooks: list[TemplateHook] = field(default_factory=list)
    error_renderers: list[ErrorRenderer] = field(default_factory=list)

    def add_templates(self, hook: TemplateHook, *, late: bool = False) -> None:
        (self.late_template_hooks if late else self.template_hooks).append(hook)

    def add_error_renderer(self, renderer: ErrorRenderer) -> None:
        self.error_renderers.append(renderer)

    def render_error(
        self,
        request: Request,
        status: int,
        *,
        exc: Exception | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response | None:
        for renderer in self.error_renderers:
            response = renderer(request, status, exc=exc, headers=headers)
            if response is not None:
                return response
        return None


def web_extensions(request: Request) -> WebExtensions:
    """The app's extensions; none in a bare app (a test's own Starlette)."""
    context = getattr(request.app.state, "context", None)
    extensions = getattr(context, "extensions", None)
    return extensions if isinstance(extensions, WebExtensions) else WebExtensions()
