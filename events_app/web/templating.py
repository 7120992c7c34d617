"""The Jinja2 environment every page shares: gettext through Babel catalogues, Markdown, dates
written for people, and links built from EVENTS_BASE_URL (never from the request's Host)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.support import NullTranslations, Translations
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.templating import Jinja2Templates

from events_app.config import Settings
from events_app.events.present import format_event_date, format_event_when
from events_app.models import EventFormat, EventStatus
from events_app.web.markdown import markdown_to_text, render_markdown

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
TEMPLATE_DIR = PROJECT_ROOT / "templates"
STATIC_DIR = PROJECT_ROOT / "static"
LOCALE_DIR = PROJECT_ROOT / "locale"


def load_translations(language: str) -> NullTranslations:
    return Translations.load(str(LOCALE_DIR), [language], domain="messages")


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
    base_path = urlsplit(settings.base_url).path.rstrip("/")
    site_tz = ZoneInfo(settings.timezone)
    labels = _format_labels(translations.gettext)

    def path_for(name: str, /, **params: Any) -> str:
        return base_path + str(url_path_for(name, **{k: str(v) for k, v in params.items()}))

    def absolute_url(path: str) -> str:
        return settings.base_url + path[len(base_path) :] if path.startswith("/") else path

    def static_url(filename: str) -> str:
        return f"{base_path}/static/{filename}?v={_static_fingerprint(filename)}"

    def site_date(moment: datetime) -> str:
        return format_date(moment.astimezone(site_tz), "d MMMM y", locale=settings.language)

    env.globals.update(
        path_for=path_for,
        absolute_url=absolute_url,
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
        isodate=lambda moment: moment.isoformat(),
    )
    return Jinja2Templates(env=env)
