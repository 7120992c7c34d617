"""The events filters in Chromium: a changed choice applies without pressing "Filter", and the
filters fold behind a "Filters" toggle on a phone while a desktop shows them open."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.browser.live_site import LiveSite

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser


@pytest.fixture
def tab(browser: Browser) -> Iterator[object]:
    contexts = []

    def open_tab(width: int) -> Page:
        context = browser.new_context(viewport={"width": width, "height": 800}, locale="en-GB")
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_tab
    for context in contexts:
        context.close()


def test_a_changed_format_applies_at_once_on_a_desktop(tab, demo_site: LiveSite) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page = tab(1280)
    page.goto(demo_site.url("/events"))
    expect(page.locator("details.filters-fold")).to_have_attribute("open", "")
    expect(page.locator("details.filters-fold > summary")).to_be_hidden()
    with page.expect_navigation():
        page.get_by_label("Format").select_option("online")
    assert "format=online" in page.url
    expect(page.get_by_label("Format")).to_have_value("online")


def test_the_filters_fold_on_a_phone_until_asked(tab, demo_site: LiveSite) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page = tab(375)
    page.goto(demo_site.url("/events"))
    expect(page.get_by_label("Format")).to_be_hidden()
    page.get_by_text("Filters", exact=True).click()
    expect(page.get_by_label("Format")).to_be_visible()
