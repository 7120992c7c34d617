"""A form with problems, in a real Chromium: what the browser can check it checks before
sending; what only the server knows comes back with the error summary focused, and a link
in it moves focus to its field. Then "Check your email" names the address used."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser.axe import FAILING_IMPACTS, SCHEMES, run_axe
from tests.browser.axe import describe as describe_axe
from tests.browser.live_site import LiveSite
from tests.browser.nu_checker import FAILING_TYPES, describe
from tests.browser.tools import find_axe, find_checker

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

EVENT_PATH = "/events/open-research-infrastructure-forum"


def fill_registration(page: Page, email: str) -> None:
    page.locator("#reg-name").fill("Ada Browser")
    page.locator("#reg-email").fill(email)
    page.locator("#reg-consent").check()


def test_the_browser_refuses_an_address_without_a_dot_in_its_domain(
    page: Page, demo_site: LiveSite
) -> None:
    posts: list[str] = []
    page.on(
        "request", lambda request: posts.append(request.url) if request.method == "POST" else None
    )
    page.goto(demo_site.url(EVENT_PATH))
    fill_registration(page, "ada@localhost")
    page.locator(".register-form button[type=submit]").click()
    assert page.locator("#reg-email").evaluate("field => field.validity.patternMismatch")
    assert posts == []


def test_a_server_side_error_is_summarised_focused_and_linked_to_its_field(
    page: Page, demo_site: LiveSite
) -> None:
    from playwright.sync_api import expect

    page.goto(demo_site.url(EVENT_PATH))
    # The browser accepts it (a dot in the domain); email-validator refuses a special-use domain.
    fill_registration(page, "ada@example.test")
    page.locator(".register-form button[type=submit]").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    assert page.title().startswith("Error: ")
    expect(page.locator("#reg-email")).to_have_value("ada@example.test")
    link = summary.get_by_role("link", name="Email address: Please enter a valid email address")
    link.click()
    expect(page.locator("#reg-email")).to_be_focused()
    expect(page.locator("#reg-email")).to_have_attribute("aria-invalid", "true")


def test_check_your_email_names_the_address_used(page: Page, demo_site: LiveSite) -> None:
    from playwright.sync_api import expect

    page.goto(demo_site.url(EVENT_PATH))
    fill_registration(page, "sent-page@example.org")
    page.locator(".register-form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    expect(page.locator("main")).to_contain_text("sent-page@example.org")
    expect(page.locator("main")).to_contain_text("You can ask for it again from")


def test_the_error_and_sent_pages_pass_the_html_checker_and_axe(
    page: Page, demo_site: LiveSite, tmp_path: Path
) -> None:
    """The pages only a POST reaches, which tests/browser/pages.py (GETs) cannot list: checked
    as served by the Nu checker, and by axe in both colour schemes."""
    checker, axe = find_checker(), find_axe()
    form = {"name": "Ada", "email": "ada@example.test", "consent": "yes", "website": ""}
    same_origin = {"sec-fetch-site": "same-origin", "origin": demo_site.base_url}
    refused = page.request.post(
        demo_site.url(f"{EVENT_PATH}/register"), form=form, headers=same_origin
    )
    assert refused.status == 400
    sent = page.request.post(
        demo_site.url(f"{EVENT_PATH}/register"),
        form={**form, "email": "checked@example.org"},
        headers=same_origin,
    )
    assert sent.status == 200  # after the redirect, with the page's cookie
    assert "checked@example.org" in sent.text()
    files = []
    for name, body in (("form-errors.html", refused.body()), ("sent.html", sent.body())):
        (tmp_path / name).write_bytes(body)
        files.append(tmp_path / name)
    errors = [m for m in checker.check(files) if m.get("type") in FAILING_TYPES]
    assert not errors, "\n".join(describe(m) for m in errors)

    for path in (EVENT_PATH, f"{EVENT_PATH}/registered"):
        page.goto(demo_site.url(path))
        if path == EVENT_PATH:
            fill_registration(page, "ada@example.test")
            page.locator(".register-form button[type=submit]").click()
            page.wait_for_selector("[data-error-summary]")
        for scheme in SCHEMES:
            page.emulate_media(color_scheme=scheme)
            failing = [v for v in run_axe(page, axe) if v["impact"] in FAILING_IMPACTS]
            assert not failing, "\n".join(describe_axe(v) for v in failing)
