"""What the features hand the HTTP toolkit at start-up (web/extensions.py), and the parts an
app keeps for them (AppContext.part)."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from events_app.app import web_extensions as app_extensions
from events_app.calendar.feed_cache import FeedCache, app_feed_cache
from events_app.config import Settings
from events_app.registration.notify import Notifier, app_notifier
from events_app.web.context import AppContext
from events_app.web.extensions import WebExtensions


def request_for(path: str, app: Starlette | None = None) -> Request:
    scope = {"type": "http", "method": "GET", "path": path, "headers": [], "app": app}
    return Request(scope)


def renderer(answer: str | None, *, only: str) -> object:
    def render(
        request: Request,
        status: int,
        *,
        exc: Exception | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response | None:
        if answer is None or not request.url.path.startswith(only):
            return None
        return PlainTextResponse(answer, status_code=status)

    return render


def test_the_first_renderer_that_answers_gives_the_error_page() -> None:
    extensions = WebExtensions()
    extensions.add_error_renderer(renderer(None, only="/"))  # type: ignore[arg-type]
    extensions.add_error_renderer(renderer("api", only="/api"))  # type: ignore[arg-type]
    extensions.add_error_renderer(renderer("any", only="/"))  # type: ignore[arg-type]
    answer = extensions.render_error(request_for("/api/events"), 418)
    assert answer is not None
    assert (answer.body, answer.status_code) == (b"api", 418)
    other = extensions.render_error(request_for("/events"), 500)
    assert other is not None
    assert other.body == b"any"
    assert WebExtensions().render_error(request_for("/api/events"), 500) is None


def test_the_app_registers_every_feature_with_the_toolkit(app: Starlette) -> None:
    extensions = app_extensions()
    api_answer = extensions.render_error(request_for("/api/events", app), 500)
    assert api_answer is not None
    assert api_answer.headers["content-type"] == "application/problem+json"
    assert extensions.render_error(request_for("/events", app), 500) is None  # the site's own page
    assert len(extensions.template_hooks) == 3  # events, calendar, previews
    assert len(extensions.late_template_hooks) == 1  # the event cards, compiled last


def test_a_part_is_made_once_per_app(app: Starlette, settings: Settings) -> None:
    context: AppContext = app.state.context
    notifier = app_notifier(context)
    assert isinstance(notifier, Notifier)
    assert notifier.settings is settings
    assert app_notifier(context) is notifier
    feeds = app_feed_cache(context)
    assert isinstance(feeds, FeedCache)
    assert app_feed_cache(context) is feeds
