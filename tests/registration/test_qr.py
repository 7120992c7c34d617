"""The check-in code as a QR code: a full QR (not a Micro QR, which phone cameras mostly do not
read) holding the bare code; SVG the page's CSP allows inline, and a PNG for emails."""

from __future__ import annotations

import io
import re
import struct

import segno

from events_app.registration.qr import QUIET_ZONE, qr_png, qr_png_size, qr_svg

CODE = "K7M4PQ2X"


def test_the_qr_holds_the_bare_code_in_a_full_qr_symbol() -> None:
    expected = io.BytesIO()
    segno.make_qr(CODE, error="m").save(
        expected, kind="png", scale=6, border=QUIET_ZONE, dark="#000", light="#fff"
    )
    assert qr_png(CODE) == expected.getvalue()  # the code and nothing else, as a full QR
    # 21 modules a side: version 1, the smallest full QR (a Micro QR has at most 17).
    assert qr_png_size(CODE) == (21 + 2 * QUIET_ZONE) * 6


def test_the_svg_has_no_style_attribute_and_no_size_of_its_own() -> None:
    svg = str(qr_svg(CODE))
    assert svg.startswith("<svg ")
    assert "style" not in svg  # CSP default-src 'self': style attributes are refused
    assert "<?xml" not in svg
    assert "<script" not in svg
    assert 'class="qr-code"' in svg
    assert 'aria-hidden="true"' in svg  # the page prints the code as text beside it
    assert not re.search(r"<svg[^>]*\s(width|height)=", svg)  # sized by the stylesheet
    size = 21 + 2 * QUIET_ZONE
    assert f'viewBox="0 0 {size} {size}"' in svg


def test_the_png_is_a_png_of_the_size_the_email_says() -> None:
    png = qr_png(CODE)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])  # IHDR
    assert width == height == qr_png_size(CODE) == (21 + 2 * QUIET_ZONE) * 6


def test_different_codes_draw_different_symbols() -> None:
    assert qr_png(CODE) != qr_png("ABCDEFGH")
    assert qr_svg(CODE) != qr_svg("ABCDEFGH")
