"""The media store: an image becomes its variants (three widths in WebP and JPEG, and the
1200×630 crop), named by a content hash, re-encoded so that no EXIF (GPS above all) and
nothing a polyglot carried survives."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from events_app.images.checks import ImageRefused
from events_app.images.store import MediaStore
from events_app.images.variants import Cover
from tests.support import images


@pytest.fixture
def store(tmp_path: Path) -> MediaStore:
    return MediaStore(tmp_path / "media", 8 * 1024 * 1024, 40_000_000)


def test_a_large_image_becomes_three_widths_in_two_formats_and_a_share_crop(
    store: MediaStore,
) -> None:
    key = store.save(images.jpeg(2400, 1600))
    cover = Cover.from_key(key)
    assert cover is not None
    assert (cover.width, cover.height) == (1600, 1067)
    assert cover.widths == (480, 960, 1600)
    stored = sorted(p.name for p in store.directory.iterdir())
    assert stored == sorted(cover.names())
    assert len(stored) == 7
    for width in cover.widths:
        for extension, kind in (("webp", "WEBP"), ("jpg", "JPEG")):
            with Image.open(store.directory / cover.name(width, extension)) as variant:
                assert variant.format == kind
                assert variant.size == (width, cover.height_at(width))
    with Image.open(store.directory / cover.share_name) as share:
        assert share.size == (1200, 630)


def test_a_small_image_is_never_enlarged(store: MediaStore) -> None:
    cover = Cover.from_key(store.save(images.png(300, 200)))
    assert cover is not None
    assert cover.widths == (300,)


def test_the_name_follows_the_content_and_a_second_save_writes_nothing(
    store: MediaStore,
) -> None:
    data = images.jpeg()
    first = store.save(data)
    files = {p.name: p.stat().st_mtime_ns for p in store.directory.iterdir()}
    assert store.save(data) == first
    assert {p.name: p.stat().st_mtime_ns for p in store.directory.iterdir()} == files
    assert store.save(images.jpeg(1000, 701)) != first


def test_exif_and_the_gps_position_are_removed(store: MediaStore) -> None:
    original = images.jpeg(gps=True)
    with Image.open(BytesIO(original)) as uploaded:  # the test file does carry them
        assert uploaded.getexif().get_ifd(images.GPS_IFD)
    cover = Cover.from_key(store.save(original))
    assert cover is not None
    for name in cover.names():
        data = (store.directory / name).read_bytes()
        assert b"Exif" not in data
        assert b"SpyCam" not in data
        with Image.open(BytesIO(data)) as variant:
            assert not variant.getexif()


@pytest.mark.parametrize("polyglot", [images.jpeg_zip_polyglot(), images.jpeg_html_polyglot()])
def test_a_polyglot_is_neutralised_by_re_encoding(store: MediaStore, polyglot: bytes) -> None:
    cover = Cover.from_key(store.save(polyglot))
    assert cover is not None
    for name in cover.names():
        data = (store.directory / name).read_bytes()
        assert images.ZIP_MARK not in data
        assert b"<script" not in data
        assert b"<html" not in data


def test_a_refused_image_leaves_nothing(store: MediaStore) -> None:
    with pytest.raises(ImageRefused):
        store.save(images.png_bomb())
    assert not store.directory.exists() or not any(store.directory.iterdir())


def test_has_wants_every_file(store: MediaStore) -> None:
    key = store.save(images.webp())
    assert store.has(key)
    cover = Cover.from_key(key)
    assert cover is not None
    (store.directory / cover.share_name).unlink()
    assert not store.has(key)
    assert not store.has("../../etc/passwd")
