"""The registrations back office in Chromium: each page state passes axe-core (desktop and
phone) and the HTML checker, and an organiser adds someone and messages the attendees
through the real forms. Its own site, so the shared demo site's seat counts stay as they are."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from events_app.admin.sessions import COOKIE_NAME, issue_session
from events_app.db import Database
from events_app.registration.notify import Notifier
from tests.browser.axe import FAILING_IMPACTS, VIEWPORTS, describe, run_axe
from tests.browser.live_site import LiveSite, running_site
from tests.browser.nu_checker import FAILING_TYPES
from tests.browser.nu_checker import describe as describe_html
from tests.browser.tools import AxeScript, Checker, find_axe, find_checker
from tests.factories import make_event, make_user
from tests.registration.helpers import confirm, outbox, register
from tests.support.routes import site_urls
from tests.support.settings import make_settings

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext

pytestmark = pytest.mark.browser

BASE = "/admin/events/workshop/registrations"
PAGES = {
    "registrations": BASE,
    "registrations-filtered": f"{BASE}?q=zzz&status=bogus",
    "registration-waitlisted": f"{BASE}/2",
    "message": "/admin/events/workshop/message",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveSite, str]]:
    """A site with an event (capacity 1: one seated, one waitlisted) and an editor's cookie."""
    with running_site(tmp_path_factory.mktemp("admin-site"), name="admin", demo=False) as live:
        db = Database.from_url(live.database_url)
        now = live.clock.now()
        event = make_event(db, now, slug="workshop", title="Data Workshop", capacity=1)
        notifier_settings = make_settings(live.database_url, base_url=live.base_url)
        notifier = Notifier(notifier_settings, site_urls(notifier_settings))
        for email, name in (("ada@example.org", "Ada Lovelace"), ("bo@example.org", "Bo Li")):
            _, token = register(db, now, notifier, event.id, email, name=name)  # type: ignore[arg-type]
            confirm(db, now, notifier, token)
        editor = make_user(db, now, role="editor", email="editor@example.org")
        settings = make_settings(live.database_url)
        assert editor.id is not None
        cookie = issue_session(settings.secret_key, user_id=editor.id, version=0, now=now)
        db.dispose()
        yield live, cookie


def signed_in(browser: Browser, live: LiveSite, cookie: str, **options: object) -> BrowserContext:
    context = browser.new_context(locale="en-GB", timezone_id="UTC", **options)  # type: ignore[arg-type]
    context.add_cookies([{"name": COOKIE_NAME, "value": cookie, "url": live.url("/admin")}])
    return context


@pytest.fixture(scope="module")
def axe() -> AxeScript:
    return find_axe()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violations(
    name: str, viewport: str, browser: Browser, site: tuple[LiveSite, str], axe: AxeScript
) -> None:
    live, cookie = site
    context = signed_in(browser, live, cookie, viewport=VIEWPORTS[viewport])
    page = context.new_page()
    response = page.goto(live.url(PAGES[name]))
    assert response is not None
    assert response.status == 200
    assert page.url == live.url(PAGES[name])  # signed in: not sent to the sign-in page
    failing = [v for v in run_axe(page, axe) if v["impact"] in FAILING_IMPACTS]
    context.close()
    assert not failing, f"{name} ({viewport}):\n" + "\n".join(describe(v) for v in failing)


def test_pages_are_valid_html(site: tuple[LiveSite, str], tmp_path: Path) -> None:
    checker: Checker = find_checker()
    live, cookie = site
    files = []
    for name, path in PAGES.items():
        request = urllib.request.Request(
            live.url(path), headers={"cookie": f"{COOKIE_NAME}={cookie}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
            assert response.url == live.url(path)  # signed in: not sent to the sign-in page
            (tmp_path / f"{name}.html").write_bytes(response.read())
        files.append(tmp_path / f"{name}.html")
    errors = [m for m in checker.check(files) if m.get("type") in FAILING_TYPES]
    assert not errors, "\n".join(f"{m.get('url')}: {describe_html(m)}" for m in errors)


def test_an_organiser_adds_someone_and_writes_to_the_attendees(
    browser: Browser, site: tuple[LiveSite, str]
) -> None:
    live, cookie = site
    context = signed_in(browser, live, cookie, viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    page.goto(live.url(BASE))
    page.get_by_label("Name", exact=True).fill("Grace Hopper")
    page.get_by_label("Email address").fill("grace@example.org")
    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_text("The registration has been added").wait_for()
    assert page.get_by_text("number 2 in line").is_visible()

    page.goto(live.url(PAGES["message"]))
    page.get_by_label("The waitlist (2)").check()
    page.get_by_label("Subject").fill("Parking")
    page.get_by_label("Message (plain text)").fill("Use the north entrance.\n\nThank you!")
    page.get_by_role("button", name="Preview").click()
    assert page.get_by_text("This goes to 3 people").is_visible()
    assert "Use the north entrance." in page.locator("pre.email-text").inner_text()
    page.get_by_role("button", name="Send to 3 people").click()
    page.get_by_text("The message is on its way to 3 people.").wait_for()
    context.close()
    db = Database.from_url(live.database_url)
    sent = [m for m in outbox(db) if m.kind == "attendee_message"]
    db.dispose()
    assert sorted(m.to_address for m in sent) == [
        "ada@example.org",
        "bo@example.org",
        "grace@example.org",
    ]
    assert all("Use the north entrance.\n\nThank you!" in m.text_body for m in sent)
