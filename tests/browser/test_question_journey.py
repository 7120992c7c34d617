"""Registration questions in Chromium, issue 15's journey end to end: on an event that needs
approval an organiser builds a form of three questions through the back office, a visitor
registers answering them and confirms by the emailed link, the organiser approves the
registration, and the CSV the back office downloads has the answers and the status
confirmed. The pages involved pass axe-core and the HTML checker. Its own site, so the demo
site stays as it is."""

from __future__ import annotations

import csv
import io
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from events_app.admin.sessions import COOKIE_NAME, issue_session
from events_app.db import Database
from tests.browser.axe import FAILING_IMPACTS, VIEWPORTS, describe, run_axe
from tests.browser.live_site import LiveSite, running_site
from tests.browser.nu_checker import FAILING_TYPES
from tests.browser.nu_checker import describe as describe_html
from tests.browser.test_registration_journey import manage_token, status_of
from tests.browser.tools import AxeScript, find_axe, find_checker
from tests.factories import SAMPLE_QUESTIONS, make_event, make_user, set_questions
from tests.support.settings import make_settings

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

pytestmark = pytest.mark.browser

QUESTIONS = "/admin/events/forum/questions"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveSite, str]]:
    """A site with two open events (the forum's registrations need approval) and an
    editor's session cookie."""
    with running_site(tmp_path_factory.mktemp("questions-site"), name="q", demo=False) as live:
        db = Database.from_url(live.database_url)
        now = live.clock.now()
        make_event(db, now, slug="forum", title="Policy Forum", capacity=10, approval_required=True)
        # Pages to check whatever order the tests run in: an event that has its questions.
        seminar = make_event(db, now, slug="seminar", title="Seminar")
        set_questions(db, now, seminar.id, SAMPLE_QUESTIONS)
        editor = make_user(db, now, role="editor", email="editor@example.org")
        assert editor.id is not None
        secret = make_settings(live.database_url).secret_key
        cookie = issue_session(secret, user_id=editor.id, version=0, now=now)
        db.dispose()
        yield live, cookie


def _signed_in(browser: Browser, live: LiveSite, cookie: str) -> BrowserContext:
    context = browser.new_context(locale="en-GB", timezone_id="UTC", viewport=VIEWPORTS["desktop"])
    context.add_cookies([{"name": COOKIE_NAME, "value": cookie, "url": live.url("/admin")}])
    return context


def _add(page: Page, label: str, key: str, kind: str, *, choices: str = "", required: bool) -> None:
    form = page.locator("form", has=page.get_by_role("button", name="Add the question"))
    form.get_by_label("Question", exact=True).fill(label)
    form.get_by_label("Key").fill(key)
    form.get_by_label("Kind of answer").select_option(kind)
    if choices:
        form.get_by_label("Choices (one per line)").fill(choices)
    if required:
        form.get_by_label("An answer is required").check()
    form.get_by_role("button", name="Add the question").click()
    page.get_by_text("The question has been added to the form.").wait_for()


def _approve_and_export(page: Page, live: LiveSite, name: str) -> list[list[str]]:
    """Approve `name`'s registration from the event's registrations page, then download
    the CSV through its link, as an organiser does."""
    page.goto(live.url("/admin/events/forum/registrations"))
    page.get_by_role("link", name=name).click()
    assert page.get_by_text("Awaiting approval").first.is_visible()
    page.get_by_role("button", name="Approve").click()
    page.get_by_text("The registration has been approved").wait_for()
    page.goto(live.url("/admin/events/forum/registrations"))
    with page.expect_download() as download:
        page.get_by_role("link", name="Export these registrations (CSV)").click()
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


def test_an_organiser_builds_a_form_a_visitor_answers_it_and_is_approved(
    browser: Browser, site: tuple[LiveSite, str]
) -> None:
    live, cookie = site
    context = _signed_in(browser, live, cookie)
    page = context.new_page()
    page.goto(live.url("/admin/events/forum"))
    page.get_by_role("link", name="Registration questions").click()
    assert page.url == live.url(QUESTIONS)
    # A mistake first: the form comes back with the message and what was typed.
    form = page.locator("form", has=page.get_by_role("button", name="Add the question"))
    form.get_by_label("Question", exact=True).fill("Which track?")
    form.get_by_label("Key").fill("track")
    form.get_by_label("Kind of answer").select_option("choice")
    form.get_by_label("Choices (one per line)").fill("Policy")
    form.get_by_role("button", name="Add the question").click()
    page.get_by_text("Give at least two choices, one per line.").first.wait_for()
    assert page.locator("#new-label").input_value() == "Which track?"
    _add(page, "Which track?", "track", "choice", choices="Policy\nResearch", required=True)
    _add(page, "Dietary needs", "diet", "text", required=False)
    _add(page, "I accept the code of conduct", "conduct", "checkbox", required=True)
    page.get_by_role("button", name="Move “I accept the code of conduct” up").click()
    page.get_by_text("The order has been saved.").wait_for()
    context.close()

    visitor = browser.new_context(locale="en-GB", timezone_id="UTC")
    page = visitor.new_page()
    page.goto(live.url("/events/forum"))
    page.get_by_label("Name", exact=True).fill("Ada Lovelace")
    page.get_by_label("Email address").fill("ada@example.org")
    page.get_by_label("Research").check()
    page.get_by_label("Dietary needs").fill("Vegetarian")
    page.get_by_label("I accept the code of conduct").check()
    page.get_by_label("I have read the privacy notice").check()
    page.get_by_role("button", name="Register").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    token = manage_token(live, "ada@example.org")  # the link in the email
    page.goto(live.url(f"/r/{token}/confirm"))
    page.get_by_role("button", name="Confirm my registration").click()
    page.wait_for_load_state()
    visitor.close()
    assert status_of(live, "ada@example.org") == "awaiting"

    context = _signed_in(browser, live, cookie)
    rows = _approve_and_export(context.new_page(), live, "Ada Lovelace")
    context.close()
    assert rows[0][3] == "Status"
    assert rows[0][-3:] == ["Which track?", "I accept the code of conduct", "Dietary needs"]
    [ada] = [row for row in rows[1:] if row[1] == "ada@example.org"]
    assert ada[3] == "confirmed"
    assert ada[-3:] == ["Research", "yes", "Vegetarian"]


@pytest.fixture(scope="module")
def axe() -> AxeScript:
    return find_axe()


PAGES = {
    "questions": "/admin/events/seminar/questions",
    "question": "/admin/events/seminar/questions/track",
    "event": "/events/seminar",
}


@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violations(
    name: str, browser: Browser, site: tuple[LiveSite, str], axe: AxeScript
) -> None:
    live, cookie = site
    context = _signed_in(browser, live, cookie)
    page = context.new_page()
    response = page.goto(live.url(PAGES[name]))
    assert response is not None
    assert response.status == 200
    failing = [v for v in run_axe(page, axe) if v["impact"] in FAILING_IMPACTS]
    context.close()
    assert not failing, f"{name}:\n" + "\n".join(describe(v) for v in failing)


def test_pages_are_valid_html(site: tuple[LiveSite, str], tmp_path: Path) -> None:
    checker = find_checker()
    live, cookie = site
    files = []
    for name, path in PAGES.items():
        request = urllib.request.Request(
            live.url(path), headers={"cookie": f"{COOKIE_NAME}={cookie}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            (tmp_path / f"{name}.html").write_bytes(response.read())
        files.append(tmp_path / f"{name}.html")
    errors = [m for m in checker.check(files) if m.get("type") in FAILING_TYPES]
    assert not errors, "\n".join(f"{m.get('url')}: {describe_html(m)}" for m in errors)
