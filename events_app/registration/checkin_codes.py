"""Check-in codes: what an attendee shows at the door, as text or as a QR code.

Eight characters from an alphabet without look-alikes (no 0/O, 1/I/L), so a code read aloud
or typed from a phone screen survives; shown as two groups of four (K7M4-PQ2X). Typed or
scanned input is forgiven its case, spaces and dashes. 31^8 is about 8.5e11 codes.

A code is unique across all events, not per event: it then names exactly one registration,
so a code shown at the wrong event's door is recognised as "registered for another event"
instead of being admitted as somebody else's, which per-event codes would allow.

A code is not the manage token and opens nothing: it is random on its own (not derived from
the token), only the back office's check-in page looks it up, and that page needs a sign-in.
So it is stored in clear, and it stays the same when a manage link is re-sent.
"""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlmodel import Session, col

from events_app.models import Registration

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
GROUP = 4
# Typed or scanned input is forgiven these: a scanner may send the dash, a person a space.
_IGNORED = str.maketrans("", "", " -_\t.")
_MAX_INPUT = 40  # anything longer is not a code with some spaces in it
_TRIES = 8


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    """As printed: two groups of four, easier to read out and to compare by eye."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def normalise_code(raw: str) -> str | None:
    """The stored form of a typed or scanned code, or None when it cannot be one."""
    if len(raw) > _MAX_INPUT:
        return None
    code = raw.translate(_IGNORED).upper()
    if len(code) != CODE_LENGTH or any(char not in ALPHABET for char in code):
        return None
    return code


def unused_code(*, session: Session) -> str:
    """A fresh code that no registration has. A clash is already rare (one in a million at a
    million registrations), and the unique index stops the rarer race between two
    transactions choosing the same code at the same moment."""
    for _ in range(_TRIES):
        code = new_code()
        taken = session.scalar(
            select(col(Registration.id)).where(col(Registration.checkin_code) == code)
        )
        if taken is None:
            return code
    raise RuntimeError("no unused check-in code found; is the random source broken?")
