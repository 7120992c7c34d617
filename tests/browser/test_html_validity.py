"""Every public page kind, exactly as served, passes the W3C Nu HTML Checker (vnu.jar) with no
errors; so does the stylesheet. One JVM run checks them all (the checker is slow to start)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from events_app.resources import STATIC_DIR
from events_app.web.theme import build_theme
from tests.browser.live_site import LiveSite
from tests.browser.nu_checker import FAILING_TYPES, describe
from tests.browser.pages import PAGES, PageKind
from tests.browser.tools import ARTIFACTS, Checker, find_checker

pytestmark = pytest.mark.browser

STYLESHEET = STATIC_DIR / "css" / "site.css"
THEME_CSS, THEME_ACCENT = "theme.css", "#f2c94c"
# Checked in the same run: proves that the checker's messages reach the right page.
CANARY = "canary-invalid.html"
CANARY_HTML = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Canary</title></head>'
    "<body><p><blink>obsolete</blink></p></body></html>"
)


class CheckedPages:
    def __init__(self) -> None:
        self.statuses: dict[str, int] = {}
        self.messages: dict[str, list[dict[str, Any]]] = {}


@pytest.fixture(scope="module")
def checker() -> Checker:
    return find_checker()


@pytest.fixture(scope="module")
def checked(
    checker: Checker, sites: dict[str, LiveSite], tmp_path_factory: pytest.TempPathFactory
) -> CheckedPages:
    """Fetch every page kind as served and check them all, with the stylesheet, in one run."""
    folder = tmp_path_factory.mktemp("vnu")
    result = CheckedPages()
    files: list[Path] = []
    for kind in PAGES:
        status, body = sites[kind.site].fetch(kind.path)
        result.statuses[kind.name] = status
        path = folder / f"{kind.name}.html"
        path.write_bytes(body)
        files.append(path)
    (folder / CANARY).write_text(CANARY_HTML)
    files.append(folder / CANARY)
    css = folder / STYLESHEET.name
    css.write_bytes(STYLESHEET.read_bytes())
    files.append(css)
    # The stylesheet EVENTS_ACCENT_COLOR generates (a pale accent: every adjustment made).
    theme = build_theme(THEME_ACCENT)
    assert theme is not None
    (folder / THEME_CSS).write_bytes(theme.css)
    files.append(folder / THEME_CSS)

    messages = checker.check(files)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    report = {"vnu": checker.version(), "messages": messages}
    (ARTIFACTS / "vnu-messages.json").write_text(json.dumps(report, indent=2))
    for message in messages:
        name = Path(unquote(urlsplit(message.get("url", "")).path)).name
        result.messages.setdefault(name, []).append(message)
    return result


def errors_in(checked: CheckedPages, filename: str) -> list[dict[str, Any]]:
    return [m for m in checked.messages.get(filename, []) if m.get("type") in FAILING_TYPES]


def test_checker_reports_errors_in_what_it_checks(checked: CheckedPages) -> None:
    assert any("blink" in m.get("message", "") for m in errors_in(checked, CANARY))


@pytest.mark.parametrize("kind", PAGES, ids=[kind.name for kind in PAGES])
def test_page_is_valid_html(kind: PageKind, checked: CheckedPages) -> None:
    assert checked.statuses[kind.name] == kind.status, f"{kind.site} site {kind.path}"
    errors = errors_in(checked, f"{kind.name}.html")
    assert not errors, f"{kind.site} site {kind.path}: {len(errors)} HTML error(s):\n" + "\n".join(
        f"  - {describe(m)}" for m in errors
    )


def test_stylesheet_is_valid_css(checked: CheckedPages) -> None:
    errors = errors_in(checked, STYLESHEET.name)
    assert not errors, f"static/css/{STYLESHEET.name}: {len(errors)} CSS error(s):\n" + "\n".join(
        f"  - {describe(m)}" for m in errors
    )


def test_generated_theme_stylesheet_is_valid_css(checked: CheckedPages) -> None:
    errors = errors_in(checked, THEME_CSS)
    assert not errors, f"the theme stylesheet: {len(errors)} CSS error(s):\n" + "\n".join(
        f"  - {describe(m)}" for m in errors
    )
