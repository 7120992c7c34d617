"""The Jinja2 environment every page shares: gettext through Babel catalogues, Markdown, dates
written for people, and links built from EVENTS_BASE_URL (never from the request's Host)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from functools import cache, lru_cache
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.support import NullTranslations
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.templating import Jinja2Templates

from events_app.config import Settings
from events_app.markdown import render_markdown
from events_app.resources import STATIC_DIR, TEMPLATE_DIR
from events_app.site_urls import SiteUrls
from events_app.template_cache import shared_bytecode_cache
from events_app.timezones import zone, zone_label
from events_app.translations import load_translations
from events_app.web.extensions import WebExtensions
from events_app.web.form_errors import EMAIL_PATTERN, form_problems
from events_app.web.theme import theme_stylesheet


@lru_cache(maxsize=256)
def _static_fingerprint(filename: str) -> str:
    path = STATIC_DIR / filename
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12] if path.is_file() else "missing"


def _sanitised(stored_html: str) -> Markup:
    """HTML stored by events_app.markdown.render, which sanitised it with nh3 on saving."""
    return Markup(stored_html)  # noqa: S704 - sanitised when it was saved


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


def create_templates(
    settings: Settings,
    urls: SiteUrls,
    extensions: WebExtensions | None = None,
) -> Jinja2Templates:
    extensions = extensions or WebExtensions()
    translations = load_translations(settings.language)
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=settings.is_development,
        bytecode_cache=shared_bytecode_cache("pages"),
    )
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(_gettext_functions(translations))
    base_path = urls.base_path
    site_tz = ZoneInfo(settings.timezone)

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
        local = moment.astimezone(site_tz)
        written = format_datetime(local, "d MMM y, HH:mm", locale=settings.language)
        return f"{written} {zone_label(local)}"

    env.globals.update(
        path_for=urls.path,
        absolute_url=urls.absolute,
        canonical_url=canonical_url,
        form_problems=form_problems,
        email_pattern=EMAIL_PATTERN,
        static_url=static_url,
        site_name=settings.site_name,
        site_logo=settings.site_logo,
        home_url=settings.home_url,
        home_name=settings.home_link_name,
        theme_stylesheet=theme_stylesheet(settings, base_path),
        language=settings.language,
        placeholder_text=translations.gettext(
            "We are creating some awesome events for you. Kindly bear with us."
        ),
    )
    env.filters.update(
        # Our own texts (the API reference); descriptions and article bodies are rendered when
        # saved, and their stored HTML is marked safe with `sanitised`.
        markdown=render_markdown,
        sanitised=_sanitised,
        site_date=site_date,
        site_datetime=site_datetime,
        isodate=lambda moment: moment.isoformat(),
        # The same moment written with a zone's offset ("...T14:00:00+08:00").
        isodate_in=lambda moment, name: moment.astimezone(zone(name)).isoformat(),
    )
    for hook in extensions.template_hooks:
        hook(env, settings)
    # Last: these compile macros, which need every filter and global above.
    for hook in extensions.late_template_hooks:
        hook(env, settings)
    return Jinja2Templates(env=env)
