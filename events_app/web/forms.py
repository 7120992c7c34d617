"""Parsing query parameters without ever answering 500: a bad value becomes a message."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import TypeVar

E = TypeVar("E", bound=Enum)


def parse_page(raw: str | None) -> int:
    try:
        return max(1, min(int(raw or 1), 10_000))
    except ValueError:
        return 1


def parse_date(raw: str | None) -> tuple[date | None, bool]:
    """(value, ok). An empty value is fine and gives None; a malformed one is not ok."""
    if not raw:
        return None, True
    try:
        return date.fromisoformat(raw.strip()), True
    except ValueError:
        return None, False


def parse_choice(raw: str | None, enum: type[E]) -> tuple[E | None, bool]:
    if not raw:
        return None, True
    try:
        return enum(raw), True
    except ValueError:
        return None, False


def clean_text(raw: str | None, *, max_length: int = 200) -> str | None:
    if raw is None:
        return None
    text = "".join(ch for ch in raw if ch.isprintable()).strip()[:max_length]
    return text or None
