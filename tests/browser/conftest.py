"""Fixtures for the browser suite: two real sites (demo content, and empty), each one uvicorn
server for the whole session, and one Chromium for the whole session with a fresh browser
context per test. SQLite only: these are journeys, not the database suite."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.browser.live_site import LiveSite, running_site
from tests.browser.tools import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SCREENSHOTS,
    artifact_name,
    unavailable,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

VIEWPORT = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveSite]:
    with running_site(tmp_path_factory.mktemp("demo-site"), name="demo", demo=True) as site:
        yield site


@pytest.fixture(scope="session")
def empty_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveSite]:
    with running_site(tmp_path_factory.mktemp("empty-site"), name="empty", demo=False) as site:
        yield site


@pytest.fixture(scope="session")
def sites(demo_site: LiveSite, empty_site: LiveSite) -> dict[str, LiveSite]:
    return {"demo": demo_site, "empty": empty_site}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed (pip install -e '.[dev]')")
    if not CHROMIUM.is_file():
        unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB", timezone_id="UTC")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed and not tab.is_closed():
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"FAILED-{artifact_name(request.node.name)}.png"
        tab.screenshot(path=str(path), full_page=True)
    context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
