"""Sharing in a real Chromium: "Copy link" (the small script, allowed by the CSP), the JSON-LD
block (data, which the CSP does not refuse), and "Send this to a friend" end to end."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select
from sqlmodel import col

from events_app.db import Database
from events_app.models import OutboxMessage
from tests.browser.live_site import LiveSite
from tests.browser.tools import SCREENSHOTS

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page

pytestmark = pytest.mark.browser

EVENT_PATH = "/events/quantum-links-public-lecture"
EVENT_TITLE = "Quantum Links Across Borders: a public lecture"


def shared_to(site: LiveSite, address: str) -> list[OutboxMessage]:
    db = Database.from_url(site.database_url)
    try:
        with db.read() as session:
            return list(
                session.scalars(
                    select(OutboxMessage).where(
                        col(OutboxMessage.kind) == "shared",
                        col(OutboxMessage.to_address) == address,
                    )
                ).all()
            )
    finally:
        db.dispose()


def test_visitor_copies_the_link_then_sends_it_to_a_friend(page: Page, demo_site: LiveSite) -> None:
    from playwright.sync_api import expect

    problems: list[str] = []

    def watch(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            problems.append(message.text)

    page.on("console", watch)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=demo_site.url(""))

    page.goto(demo_site.url(EVENT_PATH))
    share = page.get_by_role("region", name="Share")
    copy = share.get_by_role("button", name="Copy link")
    expect(copy).to_be_visible()  # the script ran under script-src 'self'
    copy.click()
    expect(share.get_by_role("status")).to_have_text("Link copied.")
    assert page.evaluate("navigator.clipboard.readText()") == demo_site.url(EVENT_PATH)

    # The JSON-LD is in the DOM as data, parsed by nobody but us; nothing was refused.
    blocks = page.locator('script[type="application/ld+json"]').all_inner_texts()
    assert json.loads(blocks[0])["name"] == EVENT_TITLE
    assert problems == []

    share.get_by_role("link", name="Send this to a friend").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Send this to a friend")
    page.get_by_label("Your friend's email address").fill("browser-friend@example.org")
    page.get_by_label("Your name").fill("Ada")
    page.get_by_label("A note to your friend (optional)").fill("Shall we go?")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "sharing-1-form.png"), full_page=True)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status").filter(has_text="Sent.")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "sharing-2-sent.png"), full_page=True)
    [message] = shared_to(demo_site, "browser-friend@example.org")
    assert message.subject == f"Ada thought you would like: {EVENT_TITLE}"
    assert problems == []


def test_without_javascript_the_link_can_still_be_copied_by_hand(
    browser: Browser, demo_site: LiveSite
) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(demo_site.url(EVENT_PATH))
        share = page.get_by_role("region", name="Share")
        expect(share.get_by_role("button", name="Copy link")).to_be_hidden()
        expect(share.get_by_label("Link to this page")).to_have_value(demo_site.url(EVENT_PATH))
        expect(share.get_by_role("link", name="Share by email")).to_be_visible()
    finally:
        context.close()
