"""site.css's colours, light and dark: every pair of text and what it is drawn on meets WCAG
AA (4.5:1), and each state has its own colours in both schemes. Measured on the custom
properties themselves, so a new shade that reads badly fails here, before any browser."""

from __future__ import annotations

import re

import pytest

from events_app.resources import STATIC_DIR
from events_app.web.theme import contrast, parse

CSS = (STATIC_DIR / "css" / "site.css").read_text()
STATES = ["cancelled", "postponed", "full", "few", "waitlisted", "confirmed", "neutral"]
# (text, background) pairs of custom properties as site.css draws them.
TEXT_PAIRS = [
    ("ink", "surface"),
    ("ink", "page"),
    ("muted", "surface"),
    ("muted", "page"),
    ("link", "surface"),
    ("link", "page"),
    ("link", "tint"),
    ("ink", "tint"),
    ("accent-ink", "accent"),
    ("button-ink", "button"),
    ("outside-ink", "page"),
    ("danger", "surface"),
    ("danger", "soft-danger"),
    ("ink", "soft-danger"),
    ("ink", "soft-success"),
    ("danger-fill-ink", "danger-fill"),
    *((f"{state}-ink", f"{state}-bg") for state in STATES),
    ("ink", "cancelled-bg"),
    ("ink", "postponed-bg"),
    ("ink", "confirmed-bg"),
]


def _properties(block: str) -> dict[str, str]:
    values = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", block))
    # One property may name another (--button: var(--link)).
    for name, other in re.findall(r"--([a-z-]+):\s*var\(--([a-z-]+)\)", block):
        values[name] = f"var:{other}"
    return values


def _resolved(values: dict[str, str]) -> dict[str, str]:
    return {
        name: values[value[4:]] if value.startswith("var:") else value
        for name, value in values.items()
    }


def palettes() -> dict[str, dict[str, str]]:
    light = _properties(CSS.split("@media (prefers-color-scheme: dark)")[0])
    dark_block = CSS.split("@media (prefers-color-scheme: dark)")[1].split("\n}\n")[0]
    return {"light": _resolved(light), "dark": _resolved({**light, **_properties(dark_block)})}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(
    ("text", "background"), TEXT_PAIRS, ids=[f"{text}-on-{bg}" for text, bg in TEXT_PAIRS]
)
def test_text_meets_wcag_aa_in_both_schemes(scheme: str, text: str, background: str) -> None:
    colours = palettes()[scheme]
    ratio = contrast(parse(colours[text]), parse(colours[background]))
    assert ratio >= 4.5, f"{scheme}: --{text} on --{background} is {ratio:.2f}:1"


def test_dark_mode_changes_the_surfaces_and_every_state() -> None:
    light, dark = palettes()["light"], palettes()["dark"]
    for name in ["ink", "surface", "page", "link", *(f"{s}-bg" for s in STATES)]:
        assert dark[name] != light[name], f"--{name} is the same in dark mode"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_each_state_has_a_colour_of_its_own(scheme: str) -> None:
    colours = palettes()[scheme]
    backgrounds = [colours[f"{state}-bg"] for state in STATES]
    assert len(set(backgrounds)) == len(STATES)
