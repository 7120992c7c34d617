"""Every public page at 375 px wide: nothing scrolls sideways (issue 14), and the month view
is a list of days there rather than a seven-column grid. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.browser.live_site import LiveSite
from tests.browser.pages import CALENDAR, PAGES, PageKind
from tests.browser.tools import SCREENSHOTS

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}


@pytest.fixture(scope="module")
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, locale="en-GB")  # type: ignore[arg-type]
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def sideways(page: Page) -> int:
    """How many pixels the page is wider than the screen (0: no sideways scrolling)."""
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


@pytest.mark.parametrize("kind", PAGES, ids=[kind.name for kind in PAGES])
def test_no_public_page_scrolls_sideways_on_a_phone(
    phone: Page, demo_site: LiveSite, empty_site: LiveSite, kind: PageKind
) -> None:
    site = demo_site if kind.site == "demo" else empty_site
    response = phone.goto(site.url(kind.path))
    assert response is not None
    assert response.status == kind.status
    assert sideways(phone) == 0, kind.path
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / f"phone-{kind.name}.png"), full_page=True)


def test_the_month_is_a_list_of_days_on_a_phone_and_a_grid_on_a_desktop(
    phone: Page, demo_site: LiveSite
) -> None:
    phone.goto(demo_site.url(CALENDAR))
    assert phone.locator("table.calendar").is_hidden()
    days = phone.locator(".agenda-days > li")
    assert days.count() > 0
    first = days.first
    assert first.locator("a").count() > 0
    when = first.locator(".agenda-when").first.text_content() or ""
    assert re.search(r"\d{1,2}:\d{2}|\d{4}", when), when  # a time (or an all-day date)
    phone.set_viewport_size({"width": 1280, "height": 800})
    try:
        assert phone.locator("table.calendar").is_visible()
        assert phone.locator(".agenda").is_hidden()
    finally:
        phone.set_viewport_size(PHONE)
