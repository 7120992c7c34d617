"""The event page in Chromium at a phone and a desktop width: the registration card that stays
in view on the right, the "Register" bar at the bottom of a phone's screen, the reader's own
time filled in by static/js/local-time.js, and no sideways scrolling at 375 px. Screenshots
under test-artifacts/screenshots/event-page-*.png."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.browser.live_site import LiveSite
from tests.browser.pages import PAGES
from tests.browser.tools import SCREENSHOTS

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

# 14:00 in Beijing (Asia/Shanghai, UTC+8) on 13 December 2026, 12 days after the demo's today.
EVENT_PATH = "/events/open-research-infrastructure-forum"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}
EVENT_PAGES = [kind.path for kind in PAGES if kind.name.startswith("event-")]


@pytest.fixture
def open_tab(browser: Browser) -> Iterator[object]:
    contexts = []

    def open_tab(viewport: dict[str, int], timezone_id: str, **options: object) -> Page:
        context = browser.new_context(
            viewport=viewport,  # type: ignore[arg-type]
            locale="en-GB",
            timezone_id=timezone_id,
            **options,  # type: ignore[arg-type]
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_tab
    for context in contexts:
        context.close()


def screenshot(page: Page, name: str, *, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"event-page-{name}.png"), full_page=full_page)


def overflow(page: Page) -> int:
    """How many pixels the page is wider than the screen (0: no sideways scrolling)."""
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


def test_desktop_keeps_the_registration_card_in_view_and_shows_the_readers_time(
    open_tab, demo_site: LiveSite
) -> None:
    from playwright.sync_api import expect

    page = open_tab(DESKTOP, "America/Chicago")
    page.goto(demo_site.url(EVENT_PATH))
    when = page.locator(".facts time").first
    expect(when).to_contain_text("14:00–15:30 UTC+8")
    # 14:00 in Beijing is midnight in Chicago: the reader's own day and time, in their zone.
    expect(page.locator(".local-time")).to_be_visible()
    expect(page.locator(".local-time")).to_have_text("Your time: Sun 13 Dec, 00:00 GMT-6")
    expect(page.get_by_text("Directions:")).to_be_visible()
    expect(page.locator(".register-bar")).to_be_hidden()
    screenshot(page, "1280-top", full_page=False)

    card = page.locator(".register-card")
    assert card.evaluate("card => getComputedStyle(card).position") == "sticky"
    facts_box, card_box = page.locator(".event-facts").bounding_box(), card.bounding_box()
    assert facts_box
    assert card_box
    assert card_box["x"] > facts_box["x"] + facts_box["width"]
    page.get_by_role("heading", name="Share").scroll_into_view_if_needed()
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_function("window.scrollY > 200")
    # Scrolled down to the share links, the form's button is still on screen.
    expect(page.get_by_role("button", name="Register")).to_be_in_viewport()
    screenshot(page, "1280-scrolled", full_page=False)
    screenshot(page, "1280-full")

    calendar = page.locator("details.add-to-calendar")
    expect(calendar.get_by_role("link", name="Google Calendar")).to_be_hidden()
    calendar.get_by_text("Add to calendar").click()
    expect(calendar.get_by_role("link", name="Google Calendar")).to_be_visible()
    page.emulate_media(color_scheme="dark")
    calendar.scroll_into_view_if_needed()
    screenshot(page, "1280-dark-calendar-open", full_page=False)


def test_a_reader_in_the_events_own_zone_sees_no_second_time(open_tab, demo_site: LiveSite) -> None:
    from playwright.sync_api import expect

    page = open_tab(DESKTOP, "Asia/Shanghai")
    page.goto(demo_site.url(EVENT_PATH))
    page.wait_for_load_state("load")  # the deferred script has run
    expect(page.locator(".facts time").first).to_be_visible()
    expect(page.locator(".local-time")).to_be_hidden()


def test_without_script_the_page_is_whole_and_names_no_second_time(
    open_tab, demo_site: LiveSite
) -> None:
    from playwright.sync_api import expect

    page = open_tab(PHONE, "America/Chicago", java_script_enabled=False)
    page.goto(demo_site.url(EVENT_PATH))
    expect(page.locator(".facts time").first).to_contain_text("UTC+8")
    expect(page.locator(".local-time")).to_be_hidden()
    page.get_by_text("Add to calendar").click()  # a <details>: it opens without script
    expect(page.get_by_role("link", name="Google Calendar")).to_be_visible()


def test_on_a_phone_the_register_bar_stays_at_the_bottom_and_jumps_to_the_form(
    open_tab, demo_site: LiveSite
) -> None:
    from playwright.sync_api import expect

    page = open_tab(PHONE, "Europe/London")
    page.goto(demo_site.url(EVENT_PATH))
    expect(page.locator(".local-time")).to_have_text("Your time: Sun 13 Dec, 06:00 GMT")
    bar = page.get_by_role("link", name="Register", exact=True)
    expect(bar).to_be_in_viewport()
    box = bar.bounding_box()
    assert box
    assert box["y"] + box["height"] > PHONE["height"] - 60  # at the bottom edge
    assert overflow(page) == 0
    screenshot(page, "375-top", full_page=False)
    screenshot(page, "375-full")

    bar.click()
    expect(page).to_have_url(demo_site.url(EVENT_PATH + "#register"))
    expect(page.get_by_label("Name", exact=True)).to_be_in_viewport()
    expect(bar).to_be_hidden()  # it would cover the form it led to
    screenshot(page, "375-form", full_page=False)


@pytest.mark.parametrize("path", EVENT_PAGES)
def test_no_event_page_scrolls_sideways_on_a_phone(
    path: str, open_tab, demo_site: LiveSite
) -> None:
    page = open_tab(PHONE, "UTC")
    page.goto(demo_site.url(path))
    page.locator("details.add-to-calendar").evaluate_all(
        "all => all.forEach(details => { details.open = true; })"
    )
    assert overflow(page) == 0, path
    name = path.rsplit("/", 1)[-1]
    screenshot(page, f"375-{name}")
