"""Cover images on the public pages: the event page's <picture> (WebP and JPEG srcsets, width
and height, eager at the top), the cards' (lazy), the 1200×630 variant as og:image,
twitter:image and JSON-LD `image`, and a placeholder where there is no image."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from events_app.config import Settings
from events_app.db import Database
from events_app.images.placeholder import category_colour
from events_app.images.variants import Cover
from tests.factories import make_article, make_event, store_cover
from tests.support.settings import make_settings


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, media_dir=tmp_path / "media")


@pytest.fixture
def cover(settings: Settings) -> Cover:
    found = Cover.from_key(store_cover(settings))
    assert found is not None
    return found


def pictures(page: str) -> list[str]:
    return re.findall(r"<picture\b.*?</picture>", page, re.S)


def test_the_event_page_offers_three_widths_in_webp_and_jpeg(
    client: TestClient, db: Database, now: datetime, cover: Cover
) -> None:
    make_event(db, now, slug="talk", image=cover.key, image_alt="A full lecture hall")
    page = client.get("/events/talk").text
    [picture] = pictures(page)
    for width in (480, 960, 1600):
        assert f"/media/{cover.key}-{width}.webp {width}w" in picture
        assert f"/media/{cover.key}-{width}.jpg {width}w" in picture
    assert '<source type="image/webp"' in picture
    assert f'width="{cover.width}" height="{cover.height}"' in picture
    assert 'alt="A full lecture hall"' in picture
    assert 'fetchpriority="high"' in picture  # the page's own picture is not lazy
    assert 'loading="lazy"' not in picture
    for url in re.findall(r"/media/[^ \"]+", picture):
        assert client.get(url).status_code == 200


def test_the_share_variant_is_og_image_twitter_image_and_json_ld_image(
    client: TestClient, db: Database, now: datetime, cover: Cover
) -> None:
    make_event(db, now, slug="talk", image=cover.key, image_alt="Hall")
    make_article(db, now, slug="news", image=cover.key, image_alt="Chart")
    absolute = f"https://events.example.org/media/{cover.share_name}"
    for path, alt in (("/events/talk", "Hall"), ("/articles/news", "Chart")):
        page = client.get(path).text
        assert f'<meta property="og:image" content="{absolute}">' in page
        assert f'<meta name="twitter:image" content="{absolute}">' in page
        assert '<meta name="twitter:card" content="summary_large_image">' in page
        assert f'<meta property="og:image:alt" content="{alt}">' in page
        block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
        assert block
        assert json.loads(block.group(1))["image"] == absolute
    share = client.get(f"/media/{cover.share_name}")
    assert share.headers["content-type"] == "image/jpeg"


def test_cards_show_the_image_lazily_but_the_first_at_once(
    client: TestClient, db: Database, now: datetime, cover: Cover
) -> None:
    """The first card's picture is usually the largest thing in view: fetched at once, with
    priority; the rest load as they scroll into view."""
    make_event(db, now, slug="talk", title="Talk", image=cover.key, image_alt="Hall")
    make_event(db, now, slug="later", title="Later", image=cover.key, image_alt="Hall")
    for path in ("/", "/events", "/events?q=talk"):
        page = client.get(path).text
        first, *rest = pictures(page)
        assert 'fetchpriority="high"' in first
        assert 'loading="lazy"' not in first
        assert all('loading="lazy"' in picture for picture in rest)
        assert len(rest) == (0 if "q=" in path else 1)
        assert f"/media/{cover.key}-480.webp 480w" in first
        assert f'width="{cover.width}" height="{cover.height}"' in first


def test_without_an_image_a_placeholder_in_the_category_colour(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="talk", title="quantum lecture", categories=["Physics"])
    for path in ("/events", "/events/talk"):
        page = client.get(path).text
        assert "<picture" not in page
        assert "<img" not in page.split("<main", 1)[1]  # never a broken box
        placeholder = re.search(r'<div class="[^"]*cover-placeholder".*?</div>', page, re.S)
        assert placeholder
        assert 'aria-hidden="true"' in placeholder.group(0)
        assert f'fill="{category_colour("physics")}"' in placeholder.group(0)
        assert ">QL</text>" in placeholder.group(0)
        assert "style=" not in placeholder.group(0)  # the CSP allows no inline style
    page = client.get("/events/talk").text
    assert 'property="og:image"' not in page
    assert '<meta name="twitter:card" content="summary">' in page


def test_an_image_whose_files_are_missing_still_renders(
    client: TestClient, db: Database, now: datetime, settings: Settings, cover: Cover
) -> None:
    make_event(db, now, slug="talk", image=cover.key, image_alt="Hall")
    for name in cover.names():
        (settings.media_dir / name).unlink()
    assert client.get("/events/talk").status_code == 200
    assert client.get(f"/media/{cover.share_name}").status_code == 404
