"""Check-in at the door when the venue's network drops, in a real Chromium on a phone-sized
screen: the page keeps the door list on the device, checks three people in offline, shows
them checked in, and sends them when the network is back; the server counts them once, also
when a second device checked one of them in meanwhile. Scanning: a QR code decoded by the
vendored jsQR (this Chromium has no BarcodeDetector), by a stand-in BarcodeDetector, and
through the camera itself (Chromium's fake camera playing a video of a QR code). Screenshots
go to test-artifacts/screenshots/."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select, update
from sqlmodel import col

from events_app.db import Database
from events_app.models import CheckinScan, Event, Registration, RegistrationStatus
from events_app.registration.checkin_codes import format_code
from events_app.registration.notify import Notifier
from events_app.registration.qr import _qr, qr_png
from tests.browser.live_site import LiveSite, running_site
from tests.browser.tools import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS
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
NAMES = ["Ada Lovelace", "Bob Byte", "Cleo Code", "Dan Data", "Eve Echo"]


@dataclass(frozen=True)
class Door:
    site: LiveSite
    slug: str
    codes: dict[str, str]  # name: code


@pytest.fixture(scope="module")
def door(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Door]:
    with running_site(tmp_path_factory.mktemp("door"), name="door", demo=False) as site:
        db = Database.from_url(site.database_url)
        settings = make_settings(site.database_url)
        notifier = Notifier(settings, site_urls(settings))
        try:
            make_user(db, START, email=EMAIL, name="Door Keeper", role="editor")
            event = make_event(
                db, START - timedelta(days=10), slug="door-night", title="Door Night",
                starts_at=START + timedelta(hours=2), capacity=20,
            )  # fmt: skip
            codes = {}
            for number, name in enumerate(NAMES):
                when = START - timedelta(days=1, minutes=number)
                email = name.split()[0].lower() + "@example.org"
                registration, token = register(db, when, notifier, event.id, email, name=name)
                confirm(db, when, notifier, token)
                codes[name] = registration.checkin_code
        finally:
            db.dispose()
        yield Door(site, event.slug, codes)


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


def open_door(context: BrowserContext, door: Door) -> Page:
    """The check-in page, once its door list is on the device."""
    page = context.new_page()
    page.goto(door.site.url(f"/admin/events/{door.slug}/checkin"))
    page.wait_for_selector(f'[data-door-loaded="{len(NAMES)}"]', state="attached")
    return page


def type_code(page: Page, code: str) -> None:
    field = page.get_by_label("Check-in code")
    field.press_sequentially(format_code(code).lower())
    field.press("Enter")


def screenshot(page: Page, name: str, *, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def on_server(door: Door) -> tuple[int, int]:
    """(attended registrations, check-ins received from devices)"""
    db = Database.from_url(door.site.database_url)
    try:
        with db.read() as session:
            attended = session.scalars(
                select(Registration).where(col(Registration.status) == RegistrationStatus.attended)
            ).all()
            scans = session.scalars(select(CheckinScan)).all()
            return len(attended), len(scans)
    finally:
        db.dispose()


def rename(door: Door, title: str) -> None:
    db = Database.from_url(door.site.database_url)
    try:
        with db.write() as session:
            session.execute(update(Event).where(col(Event.slug) == door.slug).values(title=title))
    finally:
        db.dispose()


def eventually(check: Callable[[], bool], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_three_check_ins_offline_are_counted_once_when_the_network_returns(
    browser: Browser, door: Door
) -> None:
    from playwright.sync_api import expect

    phone = signed_in(browser, door.site, PHONE)
    page = open_door(phone, door)
    page.wait_for_selector('[data-offline-ready="1"]', state="attached")
    # At 375 px the scanner and the code field are on the first screen.
    for control in (page.get_by_label("Check-in code"), page.get_by_role("button", name="Scan")):
        expect(control).to_be_visible()
        box = control.bounding_box()
        assert box is not None
        assert box["y"] + box["height"] <= PHONE["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "checkin-offline-1-first-screen", full_page=False)

    # A second device at the same door, with the same list, before anyone is checked in.
    second = signed_in(browser, door.site, PHONE)
    other = open_door(second, door)

    phone.set_offline(True)
    first_three = NAMES[:3]
    for name in first_three:
        type_code(page, door.codes[name])
        result = page.locator(".door-result")
        expect(result).to_have_attribute("role", "status")
        expect(result).to_contain_text(f"Checked in: {name}")
        expect(page.get_by_label("Check-in code")).to_have_value("")
    expect(page.locator(".door-counts")).to_have_text("3 of 5 checked in")
    expect(page.locator("li.door-person.is-attended")).to_have_count(3)
    expect(page.locator("#door-sync")).to_contain_text("Check-ins waiting to be sent: 3")
    # The same code again, still offline: the device knows.
    type_code(page, door.codes["Ada Lovelace"])
    expect(page.locator(".door-result")).to_have_attribute("role", "alert")
    expect(page.locator(".door-result")).to_contain_text("Already checked in: Ada Lovelace")
    screenshot(page, "checkin-offline-2-three-checked-in")
    assert on_server(door) == (0, 0)

    # Meanwhile the second device, online, checks Bob in too.
    type_code(other, door.codes["Bob Byte"])
    expect(other.locator(".door-result")).to_contain_text("Checked in: Bob Byte")
    assert eventually(lambda: on_server(door) == (1, 1))  # sent by itself: it is online

    phone.set_offline(False)
    page.evaluate("window.eventsDoor.sync()")
    expect(page.locator("#door-sync")).to_contain_text("All check-ins sent")
    assert on_server(door) == (3, 4)  # Bob counted once, though both devices sent him

    # The organiser sees both devices, and none behind.
    page.reload()
    devices = page.locator("table.door-devices tbody tr")
    expect(devices).to_have_count(2)
    expect(page.locator(".door-counts")).to_have_text("3 of 5 checked in")
    screenshot(page, "checkin-offline-3-synced")

    # What the device keeps: this page and static files, nothing else of the back office.
    kept = page.evaluate(
        """async () => {
            const names = await caches.keys();
            const urls = [];
            for (const name of names) {
                const cache = await caches.open(name);
                for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
            }
            return {names, urls};
        }"""
    )
    page_path = f"/admin/events/{door.slug}/checkin"
    assert kept["names"] == [f"events-door:{page_path}"]
    assert page_path in kept["urls"]
    assert all(url == page_path or url.startswith("/static/") for url in kept["urls"])
    phone.close()
    second.close()


def test_the_page_opens_offline_from_its_service_worker(browser: Browser, door: Door) -> None:
    from playwright.sync_api import expect

    phone = signed_in(browser, door.site, PHONE)
    page = open_door(phone, door)
    page.wait_for_selector('[data-offline-ready="1"]', state="attached")
    page.reload()  # now under the worker's control
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    phone.set_offline(True)
    assert page.evaluate("fetch('/').then(() => 'online', () => 'offline')") == "offline"
    # Renamed on the server meanwhile: the page that opens is the device's copy.
    rename(door, "Door Night, renamed")
    try:
        response = page.reload()
        assert response is not None
        assert response.from_service_worker
        expect(page.get_by_role("heading", level=1)).to_have_text("Check-in: Door Night")
    finally:
        rename(door, "Door Night")
    page.wait_for_selector(f'[data-door-loaded="{len(NAMES)}"]', state="attached")
    type_code(page, door.codes["Eve Echo"])
    expect(page.locator(".door-result")).to_contain_text("Checked in: Eve Echo")
    phone.set_offline(False)
    page.evaluate("window.eventsDoor.sync()")
    expect(page.locator("#door-sync")).to_contain_text("All check-ins sent")
    assert on_server(door)[0] >= 1
    phone.close()


def test_a_qr_code_is_decoded_by_jsqr_and_checked_in_like_a_typed_code(
    browser: Browser, door: Door
) -> None:
    from playwright.sync_api import expect

    phone = signed_in(browser, door.site, PHONE)
    page = open_door(phone, door)
    png = base64.b64encode(qr_png(door.codes["Dan Data"])).decode()
    decoded = page.evaluate(
        """async (data) => {
            const image = new Image();
            image.src = "data:image/png;base64," + data;
            await image.decode();
            return window.eventsDoor.scanImage(image);
        }""",
        png,
    )
    assert decoded == door.codes["Dan Data"]
    assert page.locator("[data-door]").get_attribute("data-decoder") == "jsQR"
    expect(page.locator(".door-result")).to_contain_text("Checked in: Dan Data")
    phone.close()


def test_a_code_found_by_barcode_detector_is_submitted_like_a_typed_one(
    browser: Browser, door: Door
) -> None:
    from playwright.sync_api import expect

    phone = signed_in(browser, door.site, PHONE)
    # A stand-in for the browser's detector (Chromium on Linux has none): it "sees" a code.
    phone.add_init_script(
        """window.BarcodeDetector = class {
            static async getSupportedFormats() { return ["qr_code"]; }
            async detect() { return [{rawValue: "not-a-code"}]; }
        };"""
    )
    page = open_door(phone, door)
    page.evaluate(
        """async () => {
            const canvas = document.createElement("canvas");
            return window.eventsDoor.scanImage(canvas);
        }"""
    )
    assert page.locator("[data-door]").get_attribute("data-decoder") == "BarcodeDetector"
    # Submitted as typed: the field keeps it, with the field's own error.
    expect(page.locator("#door-code-error")).to_contain_text("This is not a check-in code.")
    phone.close()


def _y4m(code: str, path: Path, width: int = 640, height: int = 480) -> None:
    """A short video of the code's QR code, for Chromium's fake camera."""
    matrix = [[bool(cell) for cell in row] for row in _qr(code).matrix_iter(border=4)]
    scale = min(width, height) // len(matrix)
    left, top = (width - scale * len(matrix)) // 2, (height - scale * len(matrix)) // 2
    luma = bytearray([235]) * (width * height)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                for dy in range(scale):
                    start = (top + y * scale + dy) * width + left + x * scale
                    luma[start : start + scale] = bytes([16]) * scale
    chroma = bytes([128]) * (width // 2 * height // 2)
    frame = b"FRAME\n" + bytes(luma) + chroma + chroma
    header = f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode()
    path.write_bytes(header + frame * 5)


def test_the_scan_button_reads_a_code_from_the_camera(
    browser: Browser, door: Door, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    video = tmp_path / "qr.y4m"
    _y4m(door.codes["Cleo Code"], video)
    camera = browser.browser_type.launch(
        executable_path=str(CHROMIUM),
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        phone = signed_in(camera, door.site, PHONE)
        phone.grant_permissions(["camera"], origin=door.site.url("/").rstrip("/"))
        page = open_door(phone, door)
        page.get_by_role("button", name="Scan").click()
        # Cleo was checked in by the first test: the camera's code reaches the same answer.
        expect(page.locator(".door-result")).to_contain_text("Cleo Code", timeout=15_000)
        expect(page.locator("#door-video")).to_be_hidden()
        screenshot(page, "checkin-offline-4-scanned")
        phone.close()
    finally:
        camera.close()


def test_admin_pages_keep_one_menu_row_above_the_content(browser: Browser, door: Door) -> None:
    """The public site's menu does not stack above the back office's on admin pages."""
    for viewport, name in ((PHONE, "phone"), (DESKTOP, "desktop")):
        context = signed_in(browser, door.site, viewport)
        page = open_door(context, door)
        assert not page.locator("header.site-header nav").is_visible()
        admin_nav = page.locator("nav.admin-nav-wrap, .admin-bar nav").first
        assert admin_nav.is_visible()
        screenshot(page, f"checkin-layout-{name}", full_page=False)
        context.close()


def test_signing_out_clears_the_door_list_and_the_worker(browser: Browser, door: Door) -> None:
    """Clear-Site-Data on the sign-out's answer: no IndexedDB, no worker, no cache left."""
    phone = signed_in(browser, door.site, PHONE)
    page = open_door(phone, door)
    page.wait_for_selector('[data-offline-ready="1"]', state="attached")
    before = page.evaluate(
        """async () => ({
            databases: (await indexedDB.databases()).map((d) => d.name),
            workers: (await navigator.serviceWorker.getRegistrations()).length,
            caches: (await caches.keys()).length,
        })"""
    )
    assert before == {"databases": ["events-door"], "workers": 1, "caches": 1}
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/admin/login?signed_out=1")
    after = page.evaluate(
        """async () => ({
            databases: (await indexedDB.databases()).map((d) => d.name),
            workers: (await navigator.serviceWorker.getRegistrations()).length,
            caches: (await caches.keys()).length,
        })"""
    )
    assert after == {"databases": [], "workers": 0, "caches": 0}
    phone.close()
