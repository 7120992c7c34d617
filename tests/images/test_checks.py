"""What an image must pass before anything of it is stored: the type read from the bytes,
the size, the pixel count declared in the header (a decompression bomb), readable pixels."""

from __future__ import annotations

import pytest

from events_app.images.checks import ImageRefused, decode, sniff
from tests.support import images

LIMITS = {"max_bytes": 8 * 1024 * 1024, "max_pixels": 40_000_000}


def refusal(data: bytes, **limits: int) -> str:
    with pytest.raises(ImageRefused) as caught:
        decode(data, **(LIMITS | limits))
    return caught.value.code


@pytest.mark.parametrize(
    ("data", "kind"),
    [(images.jpeg(), "JPEG"), (images.png(), "PNG"), (images.webp(), "WEBP")],
)
def test_the_type_is_read_from_the_bytes(data: bytes, kind: str) -> None:
    assert sniff(data) == kind
    decoded = decode(data, **LIMITS)
    assert decoded.mode == "RGB"


@pytest.mark.parametrize(
    "data",
    [
        images.SVG_WITH_SCRIPT,
        images.HTML_PAGE,
        b"GIF89a" + b"\x00" * 40,
        images.HTML_PAGE + images.jpeg(),  # an image after a page is not an image
    ],
)
def test_anything_but_jpeg_png_and_webp_is_refused(data: bytes) -> None:
    assert refusal(data) == "image_type"


def test_a_header_claiming_fifty_thousand_squared_pixels_is_refused_before_decoding() -> None:
    assert refusal(images.png_bomb()) == "image_dimensions"
    # Within Pillow's own limit too: ours is the one that counts, and it refuses, never warns.
    assert refusal(images.png_bomb(5000, 5000), max_pixels=10_000_000) == "image_dimensions"


def test_too_many_bytes_is_refused() -> None:
    data = images.jpeg()
    assert refusal(data, max_bytes=len(data) - 1) == "image_too_large"


def test_a_truncated_file_is_unreadable_not_an_error() -> None:
    data = images.png()
    assert refusal(data[: len(data) // 2]) == "image_unreadable"
    assert refusal(b"") == "image_empty"


def test_transparency_is_flattened_onto_white() -> None:
    decoded = decode(images.png(mode="RGBA"), **LIMITS)
    assert decoded.mode == "RGB"
