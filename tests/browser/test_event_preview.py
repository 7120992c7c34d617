"""An organiser makes a preview link for a draft in a real Chromium, and a colleague with no
account (a fresh browser context: no cookies) opens it and sees the page with its banner,
while the public address still answers "not found"."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from events_app.db import Database
from tests.browser.live_site import LiveSite, running_site
from tests.factories import DEFAULT_PASSWORD, make_event, make_user

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

EMAIL = "organiser@example.org"
TITLE = "Quiet Draft Workshop"


@pytest.fixture(scope="module")
def preview_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveSite]:
    directory = tmp_path_factory.mktemp("preview-site")
    with running_site(directory, name="preview", demo=False) as site:
        db = Database.from_url(site.database_url)
        try:
            now = site.clock.now()
            make_user(db, now, email=EMAIL, role="editor")
            make_event(db, now, slug="quiet-draft", title=TITLE, status="draft", capacity=20)
        finally:
            db.dispose()
        yield site


def test_a_colleague_without_an_account_opens_the_preview_link(
    page: Page, browser: Browser, preview_site: LiveSite
) -> None:
    from playwright.sync_api import expect

    site = preview_site
    page.goto(site.url("/admin/events/quiet-draft"))
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Make a preview link").click()
    link = page.get_by_label("Preview link", exact=True).input_value()
    assert link.startswith(site.url("/events/quiet-draft/preview/"))

    stranger = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB", timezone_id="UTC"
    )
    try:
        assert stranger.cookies() == []
        visitor = stranger.new_page()
        response = visitor.goto(link)
        assert response is not None
        assert response.status == 200
        expect(visitor.get_by_text("Preview: not public")).to_be_visible()
        expect(visitor.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
        expect(
            visitor.get_by_text("Registration opens when this event is published.")
        ).to_be_visible()
        expect(visitor.locator("form.register-form")).to_have_count(0)
        public = visitor.goto(site.url("/events/quiet-draft"))
        assert public is not None
        assert public.status == 404
    finally:
        stranger.close()
