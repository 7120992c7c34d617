"""Approval and guests in Chromium: a registration awaiting approval (a party with guests), its
page and the check-in page pass axe-core (desktop and phone) and the HTML checker, and an
organiser approves one and declines another with a reason through the real forms. Its own
site, so the shared demo site stays as it is."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from events_app.admin.sessions import COOKIE_NAME, issue_session
from events_app.db import Database
from events_app.registration import service
from events_app.registration.notify import Notifier
from events_app.registration.schemas import RegistrationCreate
from tests.browser.axe import FAILING_IMPACTS, VIEWPORTS, describe, run_axe
from tests.browser.live_site import LiveSite, running_site
from tests.browser.nu_checker import FAILING_TYPES
from tests.browser.nu_checker import describe as describe_html
from tests.browser.tools import AxeScript, Checker, find_axe, find_checker
from tests.factories import make_event, make_user
from tests.registration.helpers import HOLD, confirm, outbox, statuses
from tests.support.routes import site_urls
from tests.support.settings import make_settings

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext

pytestmark = pytest.mark.browser

BASE = "/admin/events/vetted/registrations"
PAGES = {
    "registration-awaiting": f"{BASE}/1",
    "registrations-awaiting": f"{BASE}?status=awaiting",
    "event-form": "/admin/events/vetted",
    "event-page": "/events/vetted",  # the public form, with its guests field
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveSite, str, int]]:
    """An event that needs approval and takes guests: Ada (with 2 guests) and Bo await
    approval; and an editor's cookie."""
    with running_site(
        tmp_path_factory.mktemp("approval-site"), name="approval", demo=False
    ) as live:
        db = Database.from_url(live.database_url)
        now = live.clock.now()
        event = make_event(
            db, now, slug="vetted", title="Vetted Workshop", capacity=5, max_guests=2,
            approval_required=True,
        )  # fmt: skip
        assert event.id is not None
        notifier_settings = make_settings(live.database_url, base_url=live.base_url)
        notifier = Notifier(notifier_settings, site_urls(notifier_settings))
        people = (("ada@example.org", "Ada Lovelace", 2), ("bo@example.org", "Bo Li", 0))
        for email, name, guests in people:
            data = RegistrationCreate(name=name, email=email, consent=True, guests=guests)
            with db.write() as session:
                outcome = service.register_attendee(
                    session=session, now=now, event_id=event.id, data=data, notifier=notifier,
                    hold=HOLD,
                )  # fmt: skip
                token = notifier.token(outcome.registration)
            confirm(db, now, notifier, token)
        editor = make_user(db, now, role="editor", email="editor@example.org")
        settings = make_settings(live.database_url)
        assert editor.id is not None
        cookie = issue_session(settings.secret_key, user_id=editor.id, version=0, now=now)
        db.dispose()
        yield live, cookie, event.id


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
    name: str, viewport: str, browser: Browser, site: tuple[LiveSite, str, int], axe: AxeScript
) -> None:
    live, cookie, _event_id = site
    context = signed_in(browser, live, cookie, viewport=VIEWPORTS[viewport])
    page = context.new_page()
    response = page.goto(live.url(PAGES[name]))
    assert response is not None
    assert response.status == 200
    failing = [v for v in run_axe(page, axe) if v["impact"] in FAILING_IMPACTS]
    context.close()
    assert not failing, f"{name} ({viewport}):\n" + "\n".join(describe(v) for v in failing)


def test_pages_are_valid_html(site: tuple[LiveSite, str, int], tmp_path: Path) -> None:
    checker: Checker = find_checker()
    live, cookie, _event_id = site
    files = []
    for name, path in PAGES.items():
        request = urllib.request.Request(
            live.url(path), headers={"cookie": f"{COOKIE_NAME}={cookie}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
            (tmp_path / f"{name}.html").write_bytes(response.read())
        files.append(tmp_path / f"{name}.html")
    errors = [m for m in checker.check(files) if m.get("type") in FAILING_TYPES]
    assert not errors, "\n".join(f"{m.get('url')}: {describe_html(m)}" for m in errors)


def test_an_organiser_approves_one_and_declines_another(
    browser: Browser, site: tuple[LiveSite, str, int]
) -> None:
    live, cookie, event_id = site
    context = signed_in(browser, live, cookie, viewport=VIEWPORTS["phone"])
    page = context.new_page()
    page.goto(live.url(f"{BASE}/1"))
    assert page.get_by_text("Awaiting approval").first.is_visible()
    page.get_by_role("button", name="Approve").click()
    page.get_by_text("The registration has been approved").wait_for()
    page.goto(live.url(f"{BASE}/2"))
    page.get_by_label("Reason (optional, sent to the attendee)").fill("Members only.")
    page.get_by_role("button", name="Decline").click()
    page.get_by_text("The registration has been declined").wait_for()
    page.goto(live.url("/admin/events/vetted/checkin"))
    assert page.get_by_text("+2 guests").is_visible()
    assert page.get_by_text("0 of 3 checked in").is_visible()
    context.close()
    db = Database.from_url(live.database_url)
    assert statuses(db, event_id) == {"ada@example.org": "confirmed", "bo@example.org": "declined"}
    declined = [m for m in outbox(db) if m.kind == "declined"]
    db.dispose()
    assert "Members only." in declined[0].text_body
