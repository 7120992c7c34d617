"""Reading how many guests a form says come with the attendee (registration/seats.py counts
the party's seats; the service refuses more than the event allows)."""

from __future__ import annotations


def parse_guests(raw: str, allowed: int) -> int | None:
    """The number of guests typed or chosen (empty: none), or None when it is not a whole
    number from 0 to `allowed` (the event's max_guests)."""
    text = raw.strip()
    if not text:
        return 0
    if not text.isascii() or not text.isdigit() or len(text) > 4:
        return None
    number = int(text)
    return number if number <= allowed else None
