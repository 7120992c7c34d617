"""The message catalogues (events_app/locale/), for templates and for the text that services write
themselves (calendar files, email subjects)."""

from __future__ import annotations

from functools import lru_cache

from babel.support import NullTranslations, Translations

from events_app.resources import LOCALE_DIR


def load_translations(language: str) -> NullTranslations:
    """A fresh catalogue (for the template environment, built once per app)."""
    return Translations.load(str(LOCALE_DIR), [language], domain="messages")


@lru_cache(maxsize=16)
def catalogue(language: str) -> NullTranslations:
    """The catalogue for `language`, read once per process."""
    return load_translations(language)
