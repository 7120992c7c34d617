"""The back office in a real Chromium: the dashboard's chart drawn on the server, and checking
an attendee in at the door on a phone-sized screen by typing their code. Each page also
passes axe-core and the Nu HTML Checker as served. Screenshots go to
test-artifacts/screenshots/."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from events_app.db import Database
from events_app.registration.checkin_codes import format_code
from events_app.registration.notify import Notifier
from tests.browser.axe import FAILING_IMPACTS, SCHEMES, describe, run_axe
from tests.browser.live_site import LiveSite, running_site
from tests.browser.tools import ARTIFACTS, SCREENSHOTS, find_axe, find_checker
from tests.factories import DEFAULT_PASSWORD, make_event, make_user
from tests.registration.helpers import confirm, register
from tests.support.routes import site_urls
from tests.support.settings import START, make_settings

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
EMAIL = "door@example.org"
# Registrations per day before START (1 December 2026), some days left empty on purpose.
SIGN_UPS = {0: 2, 1: 1, 3: 4, 6: 1, 10: 3, 17: 2, 25: 1, 29: 1}


@dataclass(frozen=True)
class BackOffice:
    site: LiveSite
    slug: str
    attendee: str  # name
    code: str  # as stored


@pytest.fixture(scope="module")
def back_office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackOffice]:
    """A site of its own (the other browser tests' pages stay as they were), with a user,
    an event, and registrations spread over the last 30 days."""
    with running_site(
        tmp_path_factory.mktemp("back-office"), name="back-office", demo=False
    ) as site:
        db = Database.from_url(site.database_url)
        notifier_settings = make_settings(site.database_url)
        notifier = Notifier(notifier_settings, site_urls(notifier_settings))
        try:
            make_user(db, START, email=EMAIL, name="Door Keeper", role="editor")
            event = make_event(
                db, START - timedelta(days=40), slug="open-lab-night", title="Open Lab Night",
                starts_at=START + timedelta(hours=9), capacity=40,
            )  # fmt: skip
            make_event(
                db, START - timedelta(days=40), slug="unlimited-talk", title="Unlimited Talk",
                starts_at=START + timedelta(days=3), capacity=None,
            )  # fmt: skip
            number = 0
            for days_ago, count in SIGN_UPS.items():
                for _ in range(count):
                    number += 1
                    when = START - timedelta(days=days_ago, hours=1)
                    registration, token = register(
                        db, when, notifier, event.id, f"guest{number}@example.org",
                        name=f"Guest {number:02d} Example",
                    )  # fmt: skip
                    confirm(db, when, notifier, token)
        finally:
            db.dispose()
        yield BackOffice(site, event.slug, registration.name, registration.checkin_code)


def signed_in(browser: Browser, site: LiveSite, viewport: dict[str, int]) -> BrowserContext:
    context = browser.new_context(viewport=viewport, locale="en-GB", timezone_id="UTC")  # type: ignore[arg-type]
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(site.url("/admin/login"))
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(site.url("/admin"))
    page.close()
    return context


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def assert_accessible_and_valid(page: Page, name: str, tmp_path: Path) -> None:
    """axe-core finds nothing serious or critical, in the light and the dark scheme; vnu finds
    no error in the page as served (fetched again with the browser's cookies, so it is the
    server's bytes, not the DOM)."""
    axe = find_axe()
    for scheme in SCHEMES:
        page.emulate_media(color_scheme=scheme)
        failing = [v for v in run_axe(page, axe) if v["impact"] in FAILING_IMPACTS]
        assert not failing, f"{name} ({scheme}): axe-core {axe.version}:\n" + "\n".join(
            map(describe, failing)
        )
    page.emulate_media(color_scheme=None)
    served = page.context.request.get(page.url)
    path = tmp_path / f"{name}.html"
    path.write_bytes(served.body())
    messages = find_checker().check([path])
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"vnu-{name}.json").write_text(json.dumps(messages, indent=2))
    errors = [m for m in messages if m.get("type") in ("error", "non-document-error")]
    assert not errors, f"{name}: {json.dumps(errors, indent=2)}"


def test_the_dashboard_draws_registrations_per_day_as_svg(
    browser: Browser, back_office: BackOffice, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    context = signed_in(browser, back_office.site, DESKTOP)
    page = context.new_page()
    page.goto(back_office.site.url("/admin"))
    chart = page.locator("svg.chart")
    expect(chart).to_be_visible()
    expect(chart).to_have_attribute("role", "img")
    assert "busiest day" in (chart.get_attribute("aria-label") or "")
    expect(page.locator("svg.chart g.chart-day")).to_have_count(30)
    bars = page.locator("svg.chart rect.chart-bar")
    expect(bars).to_have_count(len(SIGN_UPS))
    boxes = [bars.nth(index).bounding_box() for index in range(bars.count())]
    assert None not in boxes
    assert all(box["width"] > 0 and box["height"] > 0 for box in boxes if box)
    # The busiest day (4 sign-ups) is drawn four times as tall as a day with one.
    heights = [box["height"] for box in boxes if box]
    assert max(heights) == pytest.approx(4 * min(heights), rel=0.05)
    titles = page.locator("svg.chart title").all_text_contents()
    assert any(text.endswith(": 4 registrations") for text in titles)
    card = page.locator("li.dashboard-event").filter(has_text="Open Lab Night")
    expect(card).to_contain_text("15 of 40 seats taken (38%)")
    expect(card.get_by_role("link", name="Check-in")).to_have_attribute(
        "href", f"/admin/events/{back_office.slug}/checkin"
    )
    screenshot(page, "admin-dashboard")
    assert_accessible_and_valid(page, "admin-dashboard", tmp_path)
    context.close()


def test_an_attendee_is_checked_in_on_a_phone_by_typing_their_code(
    browser: Browser, back_office: BackOffice, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    context = signed_in(browser, back_office.site, PHONE)
    page = context.new_page()
    page.goto(back_office.site.url(f"/admin/events/{back_office.slug}/checkin"))
    expect(page.get_by_text("0 of 15 checked in")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    buttons = page.get_by_role("button", name="Mark attended").all()[:3]
    heights = [box["height"] for box in (button.bounding_box() for button in buttons) if box]
    assert len(heights) == 3
    assert min(heights) >= 44  # a thumb's worth
    screenshot(page, "admin-checkin-phone-1-list")
    assert_accessible_and_valid(page, "admin-checkin", tmp_path)

    # As a person types it from a phone screen: lower case, with the dash.
    field = page.get_by_label("Check-in code")
    expect(field).to_be_focused()  # ready for a scanner, which types the code and Enter
    field.press_sequentially(format_code(back_office.code).lower())
    field.press("Enter")
    result = page.locator(".door-result")
    expect(result).to_have_attribute("role", "status")
    expect(result).to_contain_text(f"Checked in: {back_office.attendee}")
    expect(page.get_by_text("1 of 15 checked in")).to_be_visible()
    expect(page.get_by_label("Check-in code")).to_be_focused()
    expect(page.get_by_label("Check-in code")).to_have_value("")
    attended = page.locator("li.door-person.is-attended")
    expect(attended).to_have_count(1)
    expect(attended).to_contain_text(back_office.attendee)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "admin-checkin-phone-2-checked-in")

    # The same code again: refused, with the time of the first check-in.
    page.get_by_label("Check-in code").press_sequentially(back_office.code)
    page.get_by_label("Check-in code").press("Enter")
    expect(page.locator(".door-result")).to_have_attribute("role", "alert")
    expect(page.locator(".door-result")).to_contain_text(
        f"Already checked in: {back_office.attendee}"
    )
    screenshot(page, "admin-checkin-phone-3-already")

    # Undo from the list puts them back.
    attended.get_by_role("button", name="Undo").click()
    expect(page.locator(".door-result")).to_contain_text(f"Check-in undone: {back_office.attendee}")
    expect(page.get_by_text("0 of 15 checked in")).to_be_visible()
    context.close()


def test_an_organiser_exports_the_attendees_as_csv(
    browser: Browser, back_office: BackOffice, tmp_path: Path
) -> None:
    """From the registrations page, as a spreadsheet program will open it: UTF-8 with a BOM,
    one row per registration under a header."""
    from playwright.sync_api import expect

    context = signed_in(browser, back_office.site, DESKTOP)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(back_office.site.url(f"/admin/events/{back_office.slug}/registrations"))
    link = page.get_by_role("link", name="Export these registrations (CSV)")
    expect(link).to_be_visible()
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    data = saved.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = data.decode("utf-8-sig").splitlines()
    assert len(rows) == 1 + sum(SIGN_UPS.values())
    assert any(back_office.attendee in row for row in rows[1:])
    context.close()


def _in_view(page: Page, name: str) -> bool:
    box = page.get_by_role("button", name=name, exact=True).bounding_box()
    height = page.evaluate("window.innerHeight")
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


@pytest.mark.parametrize(("viewport", "label"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_the_event_forms_save_bar_stays_in_view_while_scrolling(
    browser: Browser, back_office: BackOffice, tmp_path: Path, viewport: dict[str, int], label: str
) -> None:
    """The long event form, in its sections: Save and Preview stay at the bottom of the window
    wherever the form is scrolled to, and the page is no wider than the screen."""
    from playwright.sync_api import expect

    context = signed_in(browser, back_office.site, viewport)
    page = context.new_page()
    page.goto(back_office.site.url(f"/admin/events/{back_office.slug}"))
    legends = page.locator("form.editor-form > fieldset.editor-group > legend")
    expect(legends).to_have_text(
        ["Basics", "When", "Where", "Registration", "Content", "Publishing"]
    )
    form = page.locator("form.editor-form")
    top = page.evaluate(
        "document.querySelector('form.editor-form').getBoundingClientRect().top + scrollY"
    )
    bottom = top + (form.bounding_box() or {"height": 0})["height"]
    height = viewport["height"]
    checked = 0
    for y in range(int(top), int(bottom - height), 400):
        page.evaluate(f"window.scrollTo(0, {y})")
        assert _in_view(page, "Save changes"), f"Save out of view at {y}px"
        assert _in_view(page, "Preview"), f"Preview out of view at {y}px"
        checked += 1
        if checked == 3:
            page.screenshot(path=str(SCREENSHOTS / f"admin-event-form-{label}-scrolled.png"))
    assert checked >= (3 if label == "phone" else 1)
    bar = page.locator(".save-bar").bounding_box()
    assert bar is not None
    assert bar["y"] + bar["height"] == pytest.approx(height, abs=1)  # resting on the bottom
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    # Scrolled to the end, the bar rests after the last section instead of covering it.
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    last = page.locator("#ev-publishing").bounding_box()
    bar = page.locator(".save-bar").bounding_box()
    assert last is not None
    assert bar is not None
    assert bar["y"] >= last["y"] + last["height"]
    page.screenshot(path=str(SCREENSHOTS / f"admin-event-form-{label}-end.png"))
    if label == "phone":
        assert_accessible_and_valid(page, "admin-event-form", tmp_path)
    context.close()


def test_moving_an_event_asks_on_its_own_page_and_back_keeps_the_input(
    browser: Browser, back_office: BackOffice, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    context = signed_in(browser, back_office.site, PHONE)
    page = context.new_page()
    page.goto(back_office.site.url(f"/admin/events/{back_office.slug}"))
    page.get_by_label("Venue", exact=True).fill("Room 2, East Wing")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Email 15 attendees about this change?"
    )
    expect(page.locator("table.changes")).to_contain_text("Room 2, East Wing")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "admin-event-notify-phone")
    assert_accessible_and_valid(page, "admin-event-notify", tmp_path)
    page.get_by_role("button", name="Back to the form").click()
    expect(page.get_by_label("Venue", exact=True)).to_have_value("Room 2, East Wing")
    context.close()
