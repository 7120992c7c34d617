"""Registering in a real Chromium, which marks every form it sends (`Sec-Fetch-Site`,
`Origin`): the public forms carry no token, and the browser's own marks are what lets them
through, while the same form sent from another site's page is refused."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select
from sqlmodel import col

from events_app.db import Database
from events_app.models import OutboxMessage, Registration
from tests.browser.live_site import LiveSite
from tests.support.mail import write_queued_emails

if TYPE_CHECKING:
    from playwright.sync_api import Page, Request

pytestmark = pytest.mark.browser

EVENT_PATH = "/events/open-research-infrastructure-forum"
ADDRESS = "browser-attendee@example.org"
CONFIRM_LINK = re.compile(r"/r/([A-Za-z0-9_-]{32})/confirm")


def manage_token(site: LiveSite, address: str) -> str:
    db = Database.from_url(site.database_url)
    try:
        write_queued_emails(db)  # the site runs no mail worker: write them as it would
        with db.read() as session:
            messages = session.scalars(
                select(OutboxMessage).where(col(OutboxMessage.to_address) == address)
            ).all()
    finally:
        db.dispose()
    match = CONFIRM_LINK.search(messages[-1].text_body)
    assert match, "no confirmation link in the email"
    return match.group(1)


def status_of(site: LiveSite, address: str) -> str:
    db = Database.from_url(site.database_url)
    try:
        with db.read() as session:
            registration = session.scalars(
                select(Registration).where(col(Registration.email) == address)
            ).one()
            return str(registration.status)
    finally:
        db.dispose()


def test_visitor_registers_confirms_and_cancels(page: Page, demo_site: LiveSite) -> None:
    from playwright.sync_api import expect

    posts: list[Request] = []
    page.on("request", lambda request: posts.append(request) if request.method == "POST" else None)

    page.goto(demo_site.url(EVENT_PATH))
    assert "csrf_token" not in page.content()
    page.get_by_label("Name").fill("Ada Browser")
    page.get_by_label("Email address").fill(ADDRESS)
    page.locator("#reg-consent").check()
    page.get_by_role("button", name=re.compile("Register|Join the waitlist")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("email")
    token = manage_token(demo_site, ADDRESS)

    page.goto(demo_site.url(f"/r/{token}/confirm"))
    # One press confirms, in other words than the email's button ("Confirm my registration").
    page.get_by_role("button", name=re.compile("Confirm my seat|Join the waitlist")).click()
    page.wait_for_load_state()
    assert status_of(demo_site, ADDRESS) in ("confirmed", "waitlisted")

    page.goto(demo_site.url(f"/r/{token}/cancel"))
    page.get_by_role("button", name="Yes, cancel my registration").click()
    page.wait_for_load_state()
    assert status_of(demo_site, ADDRESS) == "cancelled"

    assert len(posts) == 3
    for request in posts:
        headers = request.all_headers()
        assert headers.get("sec-fetch-site") == "same-origin", (request.url, headers)


def confirmation_code(site: LiveSite, address: str) -> str:
    db = Database.from_url(site.database_url)
    try:
        write_queued_emails(db)
        with db.read() as session:
            messages = session.scalars(
                select(OutboxMessage).where(col(OutboxMessage.to_address) == address)
            ).all()
    finally:
        db.dispose()
    match = re.search(r"^\s+(\d{6})$", messages[-1].text_body, re.MULTILINE)
    assert match, "no code in the email"
    return match.group(1)


def test_visitor_confirms_by_code_in_the_same_tab(page: Page, demo_site: LiveSite) -> None:
    """The code from the email, typed on "Check your email": a wrong one comes back with the
    error summary (focused) and the input kept; the right one shows the registration."""
    from playwright.sync_api import expect

    address = "code-attendee@example.org"
    page.goto(demo_site.url(EVENT_PATH))
    page.get_by_label("Name").fill("Ada Code")
    page.get_by_label("Email address").fill(address)
    page.locator("#reg-consent").check()
    page.get_by_role("button", name=re.compile("Register|Join the waitlist")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    code = confirmation_code(demo_site, address)

    wrong = str((int(code) + 1) % 10**6).zfill(6)
    page.get_by_label("Code from the email").fill(wrong)
    page.get_by_role("button", name=re.compile("Confirm my seat|Join the waitlist")).click()
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page.get_by_label("Code from the email")).to_have_value(wrong)

    page.get_by_label("Code from the email").fill(code)
    page.get_by_role("button", name=re.compile("Confirm my seat|Join the waitlist")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your registration")
    assert re.search(r"/r/[A-Za-z0-9_-]{32}$", page.url)
    assert status_of(demo_site, address) in ("confirmed", "waitlisted")


ATTACK_PAGE = """<!doctype html><title>Win a prize</title>
<form method="post" action="{action}">
<input type="hidden" name="name" value="Eve"><input type="hidden" name="email" value="{email}">
<input type="hidden" name="consent" value="yes"><button>Claim</button></form>"""


@pytest.mark.parametrize(
    "attacker",
    [
        "http://evil.example/prize",  # cross-site
        "http://127.0.0.1:9/prize",  # same-site: the same host on another port, as a sibling
    ],
)
def test_the_same_form_sent_from_another_site_is_refused(
    page: Page, demo_site: LiveSite, attacker: str
) -> None:
    """The attacker's page is served by the browser's test hook, with no CSP of ours."""
    from playwright.sync_api import Route, expect

    email = f"eve-{len(attacker)}@example.org"
    html = ATTACK_PAGE.format(action=demo_site.url(f"{EVENT_PATH}/register"), email=email)

    def serve(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html", body=html)

    page.route(attacker, serve)
    page.goto(attacker)
    page.get_by_role("button", name="Claim").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Form refused")
    db = Database.from_url(demo_site.database_url)
    try:
        with db.read() as session:
            eve = select(Registration).where(col(Registration.email) == email)
            assert session.scalars(eve).all() == []
    finally:
        db.dispose()
