"""Visitors' journeys in a real Chromium against a real server. Screenshots of each step are
saved under test-artifacts/screenshots/."""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

import pytest

from tests.browser.live_site import LiveSite
from tests.browser.tools import SCREENSHOTS

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

PLACEHOLDER = "We are creating some awesome events for you. Kindly bear with us."
# Five weeks after the demo's "today" (1 December 2026): in the listing's second month, and
# one "next month" step away in the month view.
EVENT_TITLE = "Research Security and Openness Workshop"
EVENT_PATH = "/events/research-security-and-openness-workshop"
ARTICLE_TITLE = "Shared labs, shared data: why open research infrastructure is getting attention"
ARTICLE_PATH = "/articles/shared-labs-shared-data"


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def month_of(label: str) -> datetime:
    return datetime.strptime(label.strip(), "%B %Y")


def test_visitor_finds_an_event_in_the_listing_and_the_month_view_and_reads_on(
    page: Page, demo_site: LiveSite
) -> None:
    from playwright.sync_api import expect

    main_nav = page.get_by_role("navigation", name="Main")

    # The front page, then the listing through the main navigation.
    page.goto(demo_site.url("/"))
    expect(page.get_by_role("heading", name="Upcoming events", level=2)).to_be_visible()
    expect(page.locator("article.event-card")).not_to_have_count(0)
    screenshot(page, "journey-1-01-front-page")

    main_nav.get_by_role("link", name="Events", exact=True).click()
    expect(page).to_have_url(demo_site.url("/events"))
    expect(page.get_by_role("heading", name="Upcoming events", level=1)).to_be_visible()
    card = page.locator("article.event-card").filter(
        has=page.get_by_role("link", name=EVENT_TITLE, exact=True)
    )
    expect(card).to_have_count(1)
    month_label = (
        page.locator("section.month-group").filter(has=card).get_by_role("heading", level=2)
    ).inner_text()
    card.scroll_into_view_if_needed()
    screenshot(page, "journey-1-02-listing")

    card.get_by_role("link", name=EVENT_TITLE, exact=True).click()
    expect(page).to_have_url(demo_site.url(EVENT_PATH))
    expect(page.get_by_role("heading", level=1)).to_have_text(EVENT_TITLE)
    page.go_back()
    expect(page).to_have_url(demo_site.url("/events"))

    # The month view opens on this month; step to the event's month with next/previous.
    main_nav.get_by_role("link", name="Calendar", exact=True).click()
    expect(page).to_have_url(re.compile(r"/events/calendar/\d{4}/\d{1,2}$"))
    heading = page.get_by_role("heading", level=1)
    months_nav = page.get_by_role("navigation", name="Months")
    target = month_of(month_label)
    for _ in range(24):
        shown_label = heading.inner_text()
        shown = month_of(shown_label)
        if shown == target:
            break
        months_nav.locator(f'a[rel="{"next" if shown < target else "prev"}"]').click()
        expect(heading).not_to_have_text(shown_label)
    else:
        pytest.fail(f"the month view never reached {month_label}")
    calendar = page.get_by_role("table")
    expect(calendar).to_contain_text(month_label)
    screenshot(page, "journey-1-03-month-view")

    calendar.get_by_role("link", name=EVENT_TITLE, exact=True).click()
    expect(page).to_have_url(demo_site.url(EVENT_PATH))
    expect(page.get_by_role("heading", level=1)).to_have_text(EVENT_TITLE)
    related = page.get_by_role("complementary", name="Related articles")
    expect(related).to_be_visible()
    screenshot(page, "journey-1-04-event")

    # A related article, which links back to the event.
    related.get_by_role("link", name=ARTICLE_TITLE, exact=True).click()
    expect(page).to_have_url(demo_site.url(ARTICLE_PATH))
    expect(page.get_by_role("heading", level=1)).to_have_text(ARTICLE_TITLE)
    related_events = page.get_by_role("complementary", name="Related events")
    expect(related_events.get_by_role("link", name=EVENT_TITLE, exact=True)).to_be_visible()
    screenshot(page, "journey-1-05-article")


def test_visitor_on_an_empty_site_is_asked_to_bear_with_us(
    page: Page, empty_site: LiveSite
) -> None:
    from playwright.sync_api import expect

    page.goto(empty_site.url("/"))
    expect(page.get_by_text(PLACEHOLDER, exact=True)).to_be_visible()
    expect(page.locator("article.event-card")).to_have_count(0)
    screenshot(page, "journey-2-01-empty-front-page")

    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Events", exact=True
    ).click()
    expect(page).to_have_url(empty_site.url("/events"))
    expect(page.get_by_role("heading", name="Upcoming events", level=1)).to_be_visible()
    expect(page.get_by_text(PLACEHOLDER, exact=True)).to_be_visible()
    # Nothing to filter on a site without events.
    expect(page.get_by_role("search")).to_have_count(0)
    screenshot(page, "journey-2-02-empty-events")
