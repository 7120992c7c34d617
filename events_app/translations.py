"""The message catalogues (locale/), for templates and for the text that services write
themselves (calendar files, email subjects)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def load_translations(language: str) -> NullTranslations:
    """A fresh catalogue (for the template environment, built once per app)."""
    return Translations.load(str(LOCALE_DIR), [language], domain="messages")


@lru_cache(maxsize=16)
def catalogue(language: str) -> NullTranslations:
    """The catalogue for `language`, read once per process."""
    return load_translations(language)
