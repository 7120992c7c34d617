"""Cover images in a JSON import: `image_url` is fetched from a local HTTP server (private
addresses allowed for the test, refused by default), checked like an upload, stored, and
named by the record; a bad image is a clear problem of its record, and nothing is written."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from events_app.config import Settings
from events_app.db import Database
from events_app.events.editing import find_event
from events_app.images.checks import ImageRefused
from events_app.images.fetch import check_address
from events_app.images.variants import Cover
from events_app.transfer.commands import run_import
from tests.support import images
from tests.support.routes import site_urls
from tests.support.settings import make_settings

FILES: dict[str, tuple[str, bytes]] = {
    "/hall.jpg": ("image/jpeg", images.jpeg(1800, 1000, gps=True)),
    "/chart.png": ("image/png", images.png()),
    "/evil.svg": ("image/svg+xml", images.SVG_WITH_SCRIPT),
    "/bomb.png": ("image/png", images.png_bomb()),
    "/page.jpg": ("image/jpeg", images.HTML_PAGE),
}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/slow.jpg":
            time.sleep(2)
        if self.path == "/to-ftp":  # urllib itself follows a redirect to ftp://
            self.send_response(302)
            self.send_header("Location", "ftp://127.0.0.1/secret")
            self.end_headers()
            return
        found = FILES.get(self.path)
        if found is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", found[0])
        self.send_header("Content-Length", str(len(found[1])))
        self.end_headers()
        self.wfile.write(found[1])

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def settings_for(database_url: str, tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "media_dir": tmp_path / "media",
        "image_fetch_private": True,
        "image_fetch_timeout_seconds": 1,
    }
    return make_settings(database_url, **(values | overrides))


def event(slug: str, **fields: object) -> dict[str, object]:
    return {
        "slug": slug,
        "title": slug.title(),
        "starts_at": "2026-12-08T14:00:00+01:00",
        "ends_at": "2026-12-08T16:00:00+01:00",
        "timezone": "Europe/Berlin",
        "status": "published",
        **fields,
    }


def run(settings: Settings, tmp_path: Path, document: dict[str, Any]) -> int:
    path = tmp_path / "import.json"
    path.write_text(json.dumps(document))
    return run_import(settings, site_urls(settings), path, progress=False, notify=False)


def stored_image(db: Database, slug: str) -> tuple[str, str]:
    with db.read() as session:
        found = find_event(session=session, slug=slug)
        assert found is not None
        return found.image, found.image_alt


def test_an_image_url_is_fetched_stored_and_named(
    db: Database, database_url: str, tmp_path: Path, server: str
) -> None:
    settings = settings_for(database_url, tmp_path)
    document = {
        "articles": [
            {"slug": "news", "title": "News", "image_url": f"{server}/chart.png",
             "image_alt": "A chart"}
        ],
        "events": [event("talk", image_url=f"{server}/hall.jpg", image_alt="The hall")],
    }  # fmt: skip
    assert run(settings, tmp_path, document) == 0
    key, alt = stored_image(db, "talk")
    cover = Cover.from_key(key)
    assert cover is not None
    assert alt == "The hall"
    assert (cover.width, cover.height) == (1600, 889)
    for name in cover.names():
        with Image.open(BytesIO((settings.media_dir / name).read_bytes())) as variant:
            assert not variant.getexif()  # the GPS position is gone
    # A later import without image_url keeps the image (events and articles alike).
    document = {"articles": [{"slug": "news", "title": "News 2"}], "events": [event("talk")]}
    assert run(settings, tmp_path, document) == 0
    assert stored_image(db, "talk") == (key, "The hall")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/evil.svg", "is not a JPEG, PNG or WebP image"),
        ("/page.jpg", "is not a JPEG, PNG or WebP image"),
        ("/bomb.png", "has more than 40 million pixels"),
        ("/missing.jpg", "could not be fetched"),
        ("/slow.jpg", "could not be fetched"),
        ("/to-ftp", "must be an http:// or https:// address"),  # each redirect is checked
    ],
)
def test_a_bad_image_is_a_problem_of_its_record_and_nothing_is_written(
    db: Database,
    database_url: str,
    tmp_path: Path,
    server: str,
    capsys: pytest.CaptureFixture[str],
    path: str,
    message: str,
) -> None:
    settings = settings_for(database_url, tmp_path)
    url = f"{server}{path}"
    document = {"events": [event("good"), event("talk", image_url=url, image_alt="x")]}
    assert run(settings, tmp_path, document) == 1
    err = capsys.readouterr().err
    assert f"events[1] (slug 'talk'): image_url: {url} {message}" in err
    with db.read() as session:
        assert find_event(session=session, slug="good") is None


def test_private_and_loopback_addresses_are_refused_unless_allowed(
    db: Database, database_url: str, tmp_path: Path, server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_for(database_url, tmp_path, image_fetch_private=False)
    document = {"events": [event("talk", image_url=f"{server}/hall.jpg", image_alt="x")]}
    assert run(settings, tmp_path, document) == 1
    assert "points into a private or loopback network" in capsys.readouterr().err
    for url in ("http://10.0.0.8/a.jpg", "http://169.254.169.254/", "http://[::1]/a.jpg"):
        with pytest.raises(ImageRefused) as caught:
            check_address(url, allow_private=False)
        assert caught.value.code == "image_url_private"
    for url in ("file:///etc/passwd", "ftp://example.org/a.jpg", "gopher://x/"):
        with pytest.raises(ImageRefused) as caught:
            check_address(url, allow_private=True)
        assert caught.value.code == "image_url_scheme"


def test_an_image_key_cannot_be_given_directly(
    db: Database, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_for(database_url, tmp_path)
    document = {"events": [event("talk", image="0123456789abcdef-800x600", image_alt="x")]}
    assert run(settings, tmp_path, document) == 1
    assert "image: is not a key of the import format (give image_url)" in capsys.readouterr().err


def test_an_image_without_alternative_text_is_refused(
    db: Database, database_url: str, tmp_path: Path, server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_for(database_url, tmp_path)
    document = {"events": [event("talk", image_url=f"{server}/hall.jpg")]}
    assert run(settings, tmp_path, document) == 1
    assert "image_alt: describe the image" in capsys.readouterr().err
