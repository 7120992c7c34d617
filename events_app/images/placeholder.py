"""What stands where a cover image would be when there is none: a panel in the colour of the
first category with the title's initials, drawn as inline SVG by the templates (presentation
attributes, no style attribute: the CSP forbids inline styles). Never a broken box."""

from __future__ import annotations

import hashlib
from typing import NamedTuple

# Calm colours, each dark enough for white initials (contrast above 4.5:1).
PALETTE = (
    "#1d4e89", "#2a6f4e", "#7a3b69", "#8a4b08", "#3f4e75", "#0f6b6b", "#7b2f2f", "#4f5d2f",
)  # fmt: skip


class Placeholder(NamedTuple):
    colour: str
    initials: str


def category_colour(slug: str) -> str:
    """The same colour for a category on every page and every node: from its slug."""
    if not slug:
        return PALETTE[0]
    digest = hashlib.sha256(slug.encode()).digest()
    return PALETTE[digest[0] % len(PALETTE)]


def initials(title: str) -> str:
    """Up to two letters: the first of the title's first two words that have one."""
    letters = [next((ch for ch in word if ch.isalnum()), "") for word in title.split()]
    return "".join(letter for letter in letters if letter)[:2].upper()


def placeholder(title: str, category_slug: str = "") -> Placeholder:
    return Placeholder(category_colour(category_slug), initials(title))
