"""The site's brand: the accent colour as a generated stylesheet (readable in both schemes
whatever colour is given, without weakening the CSP), the logo, and the link back to the
news site."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from starlette.testclient import TestClient

from events_app.app import create_app
from events_app.clock import FrozenClock
from events_app.db import Database
from events_app.web.theme import DARK_SURFACES, LIGHT_SURFACES, build_theme, contrast, parse
from tests.support.settings import make_settings

Site = Callable[..., TestClient]
DARK_BUTTON_INK = "#10151c"  # site.css, dark --button-ink
THEME_LINK = re.compile(r'<link rel="stylesheet" href="(/static/css/theme\.css\?v=[0-9a-f]{12})">')


@pytest.fixture
def site(database_url: str, db: Database, clock: FrozenClock) -> Iterator[Site]:
    """create_app(...) with these settings, running its lifespan until the test ends."""
    clients: list[TestClient] = []

    def build(**overrides: object) -> TestClient:
        settings = make_settings(database_url, **overrides)
        client = TestClient(create_app(settings, clock=clock, database=db))
        clients.append(client.__enter__())
        return client

    yield build
    for client in clients:
        client.__exit__(None, None, None)


def _declarations(css: str) -> tuple[dict[str, str], dict[str, str]]:
    light_part, dark_part = css.split("@media (prefers-color-scheme: dark)")
    light = dict(re.findall(r"--([a-z-]+): (#[0-9a-f]{6})", light_part))
    dark = dict(re.findall(r"--([a-z-]+): (#[0-9a-f]{6})", dark_part))
    return light, dark


@pytest.mark.parametrize("accent", ["#0b4f6c", "#f2e600", "#ffffff", "#000000", "#c8102e"])
def test_any_accent_gives_readable_links_and_header_text_in_both_schemes(accent: str) -> None:
    theme = build_theme(accent)
    assert theme is not None
    light, dark = _declarations(theme.css.decode())
    assert light["accent"] == accent
    assert contrast(parse(light["accent-ink"]), parse(accent)) >= 4.5
    assert contrast(parse(light["header-mark"]), parse(accent)) >= 3
    for surface in LIGHT_SURFACES:
        assert contrast(parse(light["link"]), parse(surface)) >= 4.5
    for surface in DARK_SURFACES:
        assert contrast(parse(dark["link"]), parse(surface)) >= 4.5
    # Dark mode's buttons are the link colour with site.css's dark button ink on them.
    assert contrast(parse(dark["link"]), parse(DARK_BUTTON_INK)) >= 4.5


def test_an_accent_that_reads_well_is_kept_for_links() -> None:
    theme = build_theme("#0b4f6c")
    assert theme is not None
    assert _declarations(theme.css.decode())[0]["link"] == "#0b4f6c"


def test_the_accent_reaches_the_page_through_a_stylesheet_of_our_own(site: Site) -> None:
    client = site(accent_color="#C8102E")
    page = client.get("/")
    link = THEME_LINK.search(page.text)
    assert link, "the page links the theme stylesheet"
    css = client.get(link.group(1))
    assert css.status_code == 200
    assert css.headers["content-type"] == "text/css; charset=utf-8"
    assert "--accent: #c8102e;" in css.text
    assert (
        client.get(link.group(1), headers={"if-none-match": css.headers["etag"]}).status_code == 304
    )
    # No inline style was needed: the CSP is unchanged.
    policy = page.headers["content-security-policy"]
    assert "style-src 'self';" in policy
    assert "unsafe-inline" not in policy
    assert "style=" not in page.text


def test_without_an_accent_no_theme_stylesheet_is_linked(site: Site) -> None:
    client = site()
    assert "theme.css" not in client.get("/").text
    assert client.get("/static/css/theme.css").status_code == 404


def test_the_header_shows_the_logo_and_the_way_back_to_the_news_site(site: Site) -> None:
    client = site(
        site_name="Science Events",
        site_logo="https://news.example.org/logo.svg",
        home_url="https://news.example.org/",
        home_name="The Example Times",
    )
    for path in ("/", "/events", "/no-such-page", "/admin/login"):
        page = client.get(path)
        header = page.text.split('<header class="site-header">')[1].split("</header>")[0]
        assert (
            '<img class="brand-logo" src="https://news.example.org/logo.svg" alt="Science Events">'
            in header
        )
        assert '<a class="home-link" href="https://news.example.org/">' in header
        assert "Back to The Example Times" in header
        # The logo's origin, and only it, is added to the images the CSP allows.
        assert (
            "img-src 'self' data: https://news.example.org;"
            in page.headers["content-security-policy"]
        )


def test_the_home_link_is_named_after_its_host_when_no_name_is_given(site: Site) -> None:
    client = site(home_url="https://news.example.org/section")
    assert "Back to news.example.org" in client.get("/").text


def test_without_logo_or_home_url_the_header_shows_the_site_name(site: Site) -> None:
    client = site(site_name="Science Events")
    page = client.get("/")
    header = page.text.split('<header class="site-header">')[1].split("</header>")[0]
    assert ">Science Events</a>" in header
    assert "<img" not in header
    assert "home-link" not in header
    assert "img-src 'self' data:;" in page.headers["content-security-policy"]
