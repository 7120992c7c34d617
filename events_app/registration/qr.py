"""The check-in code as a QR code, drawn here with segno (no service is asked, nothing leaves
the site): inline SVG for the attendee's page, PNG for emails (mail clients show neither
inline SVG nor data: URIs, but do show an image attached to the message and named by cid:).

The QR holds the bare code, nothing else: a scanner at the door types it into the check-in
page's field followed by Enter. Always a full QR code (segno would pick a Micro QR for so
short a text, which most phone cameras do not read), with the standard quiet zone of four.
"""

from __future__ import annotations

import io
from functools import lru_cache

import segno
from markupsafe import Markup

QUIET_ZONE = 4  # modules of light margin the QR specification asks for
PNG_SCALE = 6  # pixels per module: about 170 px square, sharp on any screen


@lru_cache(maxsize=256)
def _qr(code: str) -> segno.QRCode:
    """Remembered: an email asks for the PNG and its size, each of which would otherwise
    encode the code again (a few milliseconds, inside the event's lock)."""
    return segno.make_qr(code, error="m")


def qr_svg(code: str) -> Markup:
    """Inline SVG, sized by CSS (`.qr-code`): a viewBox and no width or height, no XML
    declaration or namespace (HTML does not need them), and no style attributes (the site's
    Content-Security-Policy refuses them). Hidden from screen readers, which cannot scan it:
    the page prints the code itself beside it."""
    svg = _qr(code).svg_inline(
        scale=1,
        border=QUIET_ZONE,
        omitsize=True,
        svgclass="qr-code",
        lineclass=None,
        dark="#000",
        light="#fff",  # a light square behind, so it scans on a dark screen theme too
    )
    if "style=" in svg:  # segno writes none today; refuse rather than break the page's CSP
        raise ValueError("segno's SVG carries a style attribute")
    hidden = svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)
    return Markup(hidden)  # noqa: S704 - segno's own markup, from our own code


def qr_png(code: str) -> bytes:
    out = io.BytesIO()
    _qr(code).save(out, kind="png", scale=PNG_SCALE, border=QUIET_ZONE, dark="#000", light="#fff")
    return out.getvalue()


def qr_png_size(code: str) -> int:
    """The PNG's width (and height) in pixels, for the <img> that shows it."""
    width, _height = _qr(code).symbol_size(scale=PNG_SCALE, border=QUIET_ZONE)
    return int(width)
