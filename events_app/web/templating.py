"""The Jinja2 environment every page shares: gettext through Babel catalogues, Markdown, dates
written for people, and links built from EVENTS_BASE_URL (never from the request's Host)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import cache, lru_cache
from typing import Any, cast
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.support import NullTranslations
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.templating import Jinja2Templates

from events_app.calendar.links import webcal_url
from events_app.config import Settings
from events_app.events.cards import EventCard
from events_app.events.present import format_event_date, format_event_when
from events_app.models import EventFormat, EventStatus
from events_app.previews.json_ld import script_json
from events_app.resources import STATIC_DIR, TEMPLATE_DIR
from events_app.translations import load_translations
from events_app.web.markdown import markdown_to_text, render_markdown

CARD_MEMO_SIZE = 4096


@lru_cache(maxsize=256)
def _static_fingerprint(filename: str) -> str:
    path = STATIC_DIR / filename
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12] if path.is_file() else "missing"


def _format_labels(gettext: Callable[[str], str]) -> dict[str, str]:
    return {
        EventFormat.in_person: gettext("In person"),
        EventFormat.online: gettext("Online"),
        EventFormat.hybrid: gettext("Hybrid"),
        EventStatus.cancelled: gettext("Cancelled"),
        EventStatus.postponed: gettext("Postponed"),
        EventStatus.published: gettext("Scheduled"),
        EventStatus.draft: gettext("Draft"),
    }


def _gettext_functions(translations: NullTranslations) -> dict[str, Callable[..., Markup]]:
    """gettext and ngettext with Jinja's "newstyle" meaning (the translation is trusted
    markup, variables are escaped and %-formatted into it), as plain functions: a page calls
    them dozens of times, and Jinja's own versions go through three context-aware calls each.
    One environment has one language, so each message is looked up once."""

    @cache
    def translated(message: str) -> Markup:
        return Markup(translations.gettext(message))  # noqa: S704 - our own catalogue

    def gettext(message: str, /, **variables: Any) -> Markup:
        return translated(message) % variables

    def ngettext(singular: str, plural: str, number: int, /, **variables: Any) -> Markup:
        variables.setdefault("num", number)
        text = Markup(translations.ngettext(singular, plural, number))  # noqa: S704
        return text % variables

    return {"gettext": gettext, "_": gettext, "ngettext": ngettext}


def _card_renderer(env: Environment, *, memo: bool) -> Callable[..., Markup]:
    """The `event_card` macro, remembered per card. A card's HTML is a function of the
    database row it was made from (read again on every request) and the heading level, so a
    remembered card cannot be stale; a listing of fifty cards then renders only what
    changed. Off in development, where templates reload."""
    macro = env.get_template("_macros.html").module.event_card  # type: ignore[attr-defined]
    if not memo:
        return cast(Callable[..., Markup], macro)
    remembered: dict[tuple[Any, int], Markup] = {}

    def event_card(event: object, level: int = 3) -> Markup:
        if not isinstance(event, EventCard):
            return cast(Markup, macro(event, level))
        key = (event.row, level)
        html = remembered.get(key)
        if html is None:
            if len(remembered) >= CARD_MEMO_SIZE:
                remembered.clear()  # rare (more distinct cards than this): start afresh
            html = remembered[key] = macro(event, level)
        return html

    return event_card


def _cards_renderer(event_card: Callable[..., Markup]) -> Callable[..., Markup]:
    """Several cards in one template call: Jinja's per-call work costs about as much as
    looking a remembered card up, and a listing has fifty."""

    def event_cards(events: Sequence[object], level: int = 3) -> Markup:
        return Markup("").join(event_card(event, level) for event in events)

    return event_cards


def create_templates(settings: Settings, url_path_for: Callable[..., Any]) -> Jinja2Templates:
    translations = load_translations(settings.language)
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=settings.is_development,
    )
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(_gettext_functions(translations))
    base_path = urlsplit(settings.base_url).path.rstrip("/")
    site_tz = ZoneInfo(settings.timezone)
    labels = _format_labels(translations.gettext)

    # Starlette finds a route by trying each in turn (raising on every miss); pages build up
    # to a hundred links, always from the same few routes and slugs, so remember them.
    @lru_cache(maxsize=8192)
    def cached_path(name: str, params: tuple[tuple[str, str], ...]) -> str:
        return base_path + str(url_path_for(name, **dict(params)))

    def path_for(name: str, /, **params: Any) -> str:
        return cached_path(name, tuple((k, str(v)) for k, v in params.items()))

    def absolute_url(path: str) -> str:
        return settings.base_url + path[len(base_path) :] if path.startswith("/") else path

    def canonical_url(request: Request) -> str:
        """This page's address under EVENTS_BASE_URL, without its query but for the page
        number: filtered or sorted views of a listing are the same page to a search engine."""
        path, root = request.scope["path"], request.scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :]
        page = request.query_params.get("page", "")
        number = int(page) if page.isascii() and page.isdigit() else 1
        query = f"?page={number}" if 1 < number <= 10_000 else ""
        return settings.base_url + quote(path) + query

    def static_url(filename: str) -> str:
        return f"{base_path}/static/{filename}?v={_static_fingerprint(filename)}"

    def site_date(moment: datetime) -> str:
        return format_date(moment.astimezone(site_tz), "d MMMM y", locale=settings.language)

    def site_datetime(moment: datetime) -> str:
        return format_datetime(
            moment, "d MMM y, HH:mm zzz", tzinfo=site_tz, locale=settings.language
        )

    env.globals.update(
        path_for=path_for,
        absolute_url=absolute_url,
        canonical_url=canonical_url,
        static_url=static_url,
        site_name=settings.site_name,
        language=settings.language,
        placeholder_text=translations.gettext(
            "We are creating some awesome events for you. Kindly bear with us."
        ),
    )
    env.filters.update(
        markdown=render_markdown,
        plaintext=markdown_to_text,
        when=lambda event: format_event_when(event, settings.language),
        event_date=lambda event: format_event_date(event, settings.language),
        label=lambda value: labels.get(value, str(value)),
        site_date=site_date,
        site_datetime=site_datetime,
        isodate=lambda moment: moment.isoformat(),
        webcal=lambda path: webcal_url(absolute_url(path)),
        # Safe inside <script type="application/ld+json">: no "<" is left to end it.
        json_ld=lambda data: Markup(script_json(data)),  # noqa: S704
    )
    # Last: the macro module is compiled now, and needs every filter and global above.
    event_card = _card_renderer(env, memo=not settings.is_development)
    env.globals.update(event_card=event_card, event_cards=_cards_renderer(event_card))
    return Jinja2Templates(env=env)
