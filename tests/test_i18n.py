"""Every user-facing string goes through gettext, so a second language is only a catalogue.

The pages of an empty site are rendered with a pseudo-translation that wraps every message in
⟦ ⟧; any visible text left unwrapped was written into a template without gettext.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.support import NullTranslations
from starlette.testclient import TestClient

from events_app.app import create_app
from events_app.clock import FrozenClock
from events_app.db import Database
from events_app.web import templating
from tests.admin.web_helpers import sign_in
from tests.conftest import make_settings
from tests.factories import make_user
from tests.registration.web_helpers import https_client

ROOT = Path(__file__).resolve().parent.parent


class PseudoTranslations(NullTranslations):
    def gettext(self, message: str) -> str:
        return f"⟦{message}⟧"

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return f"⟦{singular if n == 1 else plural}⟧"

    # Babel aliases these to the originals at class level; Jinja2 prefers them.
    ugettext = gettext
    ungettext = ngettext


VOID_ELEMENTS = {
    "area",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "wbr",
}


# Not prose: scripts, styles, and <code> (addresses to copy, such as a feed's URL).
_LITERAL = ("script", "style", "code")


class VisibleText(HTMLParser):
    """Visible text, less what HTML marks as not for translation (`translate="no"`: the
    back office's emails, names and logged values are data, not interface) and dates in
    `<time>`, which Babel writes in the site's language."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._skip = 0
        self._data_depth = 0  # elements open inside a translate="no" one

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID_ELEMENTS:
            return
        if self._data_depth or ("translate", "no") in attrs or tag == "time":
            self._data_depth += 1
            return
        if tag in _LITERAL:
            self._skip += 1
        for name, value in attrs:
            if name in ("aria-label", "title", "alt", "placeholder") and value:
                self.texts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_ELEMENTS:
            return
        if self._data_depth:
            self._data_depth -= 1
            return
        if tag in _LITERAL:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and not self._data_depth and data.strip():
            self.texts.append(data.strip())


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/events",
        "/events/past",
        "/articles",
        "/missing",
        "/privacy",
        "/calendars",
        "/api/docs",
    ],
)
def test_no_visible_text_escapes_gettext(
    path: str,
    database_url: str,
    db: Database,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(templating, "load_translations", lambda _lang: PseudoTranslations())
    settings = make_settings(database_url, site_name="⟦Site⟧")
    with TestClient(create_app(settings, clock=clock, database=db)) as client:
        page = client.get(path).text
    parser = VisibleText()
    parser.feed(page)
    untranslated = [
        text
        for text in parser.texts
        if not all(part.strip() in "·|←→" for part in _outside_markers(text))
    ]
    assert untranslated == [], f"text on {path} not passed through gettext"


ADMIN_PAGES = [
    "/admin",
    "/admin/users",
    "/admin/users/new",
    "/admin/users/{editor}",
    "/admin/audit",
    "/admin/audit?from=nope",
    "/admin/account/password",
    "/admin/account/password?changed=1",
]


@pytest.mark.parametrize("path", ["/admin/login", "/admin/login?signed_out=1", *ADMIN_PAGES])
def test_no_visible_text_escapes_gettext_in_the_back_office(
    path: str,
    database_url: str,
    db: Database,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(templating, "load_translations", lambda _lang: PseudoTranslations())
    settings = make_settings(database_url, site_name="⟦Site⟧")
    admin = make_user(db, clock.now(), email="ada@example.org", name="Ada Lovelace")
    editor = make_user(db, clock.now(), role="editor", active=False)
    with https_client(create_app(settings, clock=clock, database=db)) as client:
        if path in ADMIN_PAGES:
            sign_in(client, admin)
        response = client.get(path.format(editor=editor.id))
    assert response.status_code == 200
    assert_all_translated(response.text, path)


def assert_all_translated(page: str, path: str) -> None:
    parser = VisibleText()
    parser.feed(page)
    untranslated = [
        text
        for text in parser.texts
        if not all(part.strip() in "·|←→" for part in _outside_markers(text))
    ]
    assert untranslated == [], f"text on {path} not passed through gettext"


def _outside_markers(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in text:
        if char == "⟦":
            depth += 1
            parts.append(current)
            current = ""
        elif char == "⟧":
            depth -= 1
        elif depth == 0:
            current += char
    parts.append(current)
    return [p for p in parts if p.strip()]


def test_catalogue_extraction_finds_the_placeholder_sentence() -> None:
    method_map = [("**.html", "jinja2"), ("events_app/**.py", "python")]
    messages = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(
            str(ROOT),
            method_map=method_map,
            options_map={"**.html": {"extensions": "jinja2.ext.i18n"}},
        )
        if "/.venv/" not in str(message[0])
    }
    assert "We are creating some awesome events for you. Kindly bear with us." in messages
    assert "Upcoming events" in messages
    assert "Page not found" in messages
