"""The operator's accent colour (EVENTS_ACCENT_COLOR) as a small generated stylesheet.

The CSP allows styles from our own origin only (no inline `<style>`, no `style=""`), so the
accent reaches pages as /static/css/theme.css, built once at start-up, served from memory
with the other static files and linked with a fingerprint like them. It overrides the few
custom properties of site.css that carry the brand, in both colour schemes, each adjusted
until it meets WCAG AA (4.5:1) against what it is drawn on: an operator's pale yellow still
gives readable links and header text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from events_app.config import Settings

Rgb = tuple[float, float, float]

AA_TEXT = 4.5
AA_GRAPHICS = 3.0
HIGHLIGHT = "#f2a541"  # site.css --highlight: the header's current-page mark and focus ring
WHITE: Rgb = (1.0, 1.0, 1.0)
BLACK: Rgb = (0.0, 0.0, 0.0)
DARK_INK: Rgb = (0x11 / 255, 0x18 / 255, 0x27 / 255)
# The surfaces links are drawn on in site.css: light --surface/--page, dark --surface/--page.
LIGHT_SURFACES = ("#ffffff", "#f5f6f8")
DARK_SURFACES = ("#1b212b", "#12161d")

PATH = "css/theme.css"


def parse(hex_colour: str) -> Rgb:
    value = hex_colour.removeprefix("#")
    return (int(value[0:2], 16) / 255, int(value[2:4], 16) / 255, int(value[4:6], 16) / 255)


def to_hex(colour: Rgb) -> str:
    return "#" + "".join(f"{round(channel * 255):02x}" for channel in colour)


def luminance(colour: Rgb) -> float:
    """WCAG 2's relative luminance."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in colour)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: Rgb, second: Rgb) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _mix(colour: Rgb, target: Rgb, share: float) -> Rgb:
    return (
        colour[0] + (target[0] - colour[0]) * share,
        colour[1] + (target[1] - colour[1]) * share,
        colour[2] + (target[2] - colour[2]) * share,
    )


def readable_on(colour: Rgb, backgrounds: tuple[Rgb, ...], toward: Rgb) -> Rgb:
    """`colour`, mixed toward black or white in small steps until it reads (4.5:1) on every
    background; an accent that already does is kept as it is."""
    for step in range(21):
        candidate = _mix(colour, toward, step / 20)
        if all(contrast(candidate, background) >= AA_TEXT for background in backgrounds):
            return candidate
    return toward


def ink_on(background: Rgb) -> Rgb:
    """White or near-black text on the accent, whichever contrasts more."""
    return WHITE if contrast(WHITE, background) >= contrast(DARK_INK, background) else DARK_INK


@dataclass(frozen=True)
class Theme:
    css: bytes

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.css).hexdigest()[:12]


@cache
def build_theme(accent_hex: str) -> Theme | None:
    """The stylesheet for an accent (`#rrggbb`), or None when none is set: site.css's own
    palette then stands alone and no second stylesheet is linked."""
    if not accent_hex:
        return None
    accent = parse(accent_hex)
    ink = ink_on(accent)
    light_link = readable_on(accent, tuple(map(parse, LIGHT_SURFACES)), BLACK)
    dark_link = readable_on(accent, tuple(map(parse, DARK_SURFACES)), WHITE)
    # The orange mark vanishes on a yellow or orange header: use the header's ink there.
    mark = HIGHLIGHT if contrast(parse(HIGHLIGHT), accent) >= AA_GRAPHICS else to_hex(ink)
    css = (
        "/* Generated from EVENTS_ACCENT_COLOR at start-up (events_app/web/theme.py). */\n"
        f":root {{ --accent: {accent_hex}; --accent-ink: {to_hex(ink)}; "
        f"--link: {to_hex(light_link)}; --header-mark: {mark}; }}\n"
        "@media (prefers-color-scheme: dark) {\n"
        f"  :root {{ --link: {to_hex(dark_link)}; }}\n"
        "}\n"
    )
    return Theme(css.encode())


def theme_files(settings: Settings) -> dict[str, bytes]:
    """The generated static files: the theme stylesheet when an accent is set."""
    theme = build_theme(settings.accent_color)
    return {PATH: theme.css} if theme else {}


def theme_stylesheet(settings: Settings, base_path: str) -> str | None:
    """The theme stylesheet's address for base.html, fingerprinted like static_url()'s."""
    theme = build_theme(settings.accent_color)
    return f"{base_path}/static/{PATH}?v={theme.fingerprint}" if theme else None


def logo_origin(settings: Settings) -> str | None:
    """The origin of a logo on another site, which the CSP's img-src must then allow."""
    parts = urlsplit(settings.site_logo)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None
