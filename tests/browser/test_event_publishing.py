"""An organiser in a real Chromium: signs in, creates an event, schedules it to go live, and
sees it go live on the public site when the site's clock reaches that moment.

The site runs on its own server (not the shared demo or empty site, whose pages other tests
check as they are) with a FrozenClock that the test moves: no sleeping, no race with the
real time. Screenshots of each step go to test-artifacts/screenshots/.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest

from events_app.db import Database
from tests.browser.live_site import LiveSite, running_site
from tests.browser.tools import SCREENSHOTS
from tests.factories import DEFAULT_PASSWORD, make_user

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

EMAIL = "organiser@example.org"
TITLE = "Open Lab Evening"


@pytest.fixture(scope="module")
def office_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveSite]:
    directory = tmp_path_factory.mktemp("back-office-site")
    with running_site(directory, name="back-office", demo=False) as site:
        db = Database.from_url(site.database_url)
        try:
            make_user(db, site.clock.now(), email=EMAIL, role="editor")
        finally:
            db.dispose()
        yield site


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"back-office-{name}.png"), full_page=True)


def test_organiser_creates_an_event_schedules_it_and_sees_it_go_live(
    page: Page, office_site: LiveSite
) -> None:
    from playwright.sync_api import expect

    site = office_site
    # Signing in: /admin sends an anonymous visitor to the sign-in form, and back.
    page.goto(site.url("/admin/events"))
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Events", level=1)).to_be_visible()

    # A new event, in Berlin time, with a Markdown description previewed before saving.
    page.get_by_role("link", name="New event").click()
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Timezone").fill("Europe/Berlin")
    page.get_by_label("Starts").fill("2026-12-10T18:00")
    page.get_by_label("Ends", exact=True).fill("2026-12-10T21:00")
    page.get_by_label("Venue", exact=True).fill("The Lab, Floor 2")
    page.get_by_label("Description").fill("Doors open at **six**.\n\n- demos\n- talks")
    page.get_by_role("button", name="Preview").click()
    preview = page.locator(".editor-preview .prose")
    expect(preview.locator("strong")).to_have_text("six")
    expect(preview.locator("li")).to_have_count(2)
    screenshot(page, "1-preview")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_text("The event has been saved as a draft.")).to_be_visible()
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()

    # Scheduled for an hour from the site's now, entered in the event's own zone (Berlin is
    # UTC+1 in December).
    go_live = site.clock.now() + timedelta(hours=1)
    berlin = (go_live + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Go live at").fill(berlin)
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_text("Your change has been saved.")).to_be_visible()
    expect(page.locator(".facts .standing")).to_have_text("Scheduled")
    screenshot(page, "2-scheduled")

    public = page.context.new_page()
    response = public.goto(site.url("/events/open-lab-evening"))
    assert response is not None
    assert response.status == 404
    public.goto(site.url("/events"))
    expect(public.get_by_role("link", name=TITLE)).to_have_count(0)

    # The moment comes: the next request shows it, with nothing restarted or cleared.
    site.clock.set(go_live)
    response = public.goto(site.url("/events/open-lab-evening"))
    assert response is not None
    assert response.status == 200
    expect(public.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(public.locator(".prose strong")).to_have_text("six")
    public.goto(site.url("/events"))
    expect(public.get_by_role("link", name=TITLE)).to_be_visible()
    screenshot(public, "3-live")

    page.reload()
    expect(page.locator(".facts .standing")).to_have_text("Live")


def sign_in(page: Page, site: LiveSite) -> None:
    page.goto(site.url("/admin/login"))
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(site.url("/admin"))


def test_the_editors_pages_have_no_serious_accessibility_violations(
    page: Page, office_site: LiveSite
) -> None:
    """axe-core on the event form as it comes back with problems (a repeated time asked
    about, messages beside fields) and with a preview, and on the lists."""
    from tests.browser.axe import FAILING_IMPACTS, describe, run_axe
    from tests.browser.tools import find_axe

    axe = find_axe()
    sign_in(page, office_site)
    found: dict[str, list[str]] = {}

    def check(name: str) -> None:
        serious = [v for v in run_axe(page, axe) if v["impact"] in FAILING_IMPACTS]
        if serious:
            found[name] = [describe(v) for v in serious]

    page.goto(office_site.url("/admin/events/new"))
    page.get_by_label("Timezone").fill("Europe/Berlin")
    page.get_by_label("Starts").fill("2026-10-25T02:30")
    page.get_by_label("Seats").fill("many")
    page.get_by_role("button", name="Save the draft").click()
    page.locator("legend", has_text="happens twice in Europe/Berlin").wait_for()
    check("event-form-problems")
    page.get_by_label("Description").fill("## Programme\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    page.get_by_role("button", name="Preview").click()
    page.locator(".editor-preview").wait_for()
    check("event-form-preview")
    for path in ("/admin/events", "/admin/articles/new", "/admin/categories"):
        page.goto(office_site.url(path))
        check(path)
    assert found == {}, "\n".join(f"{name}:\n" + "\n".join(v) for name, v in found.items())
