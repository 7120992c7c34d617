"""Confirmation codes: the six digits the confirmation email carries besides its link, typed on
the "check your email" page to confirm in the tab the form was sent from.

A code is not stored, not even hashed: each registration has a random nonce of its own
(128 bits from `secrets`, `Registration.code_nonce`) and its code is an HMAC of that nonce
under the site's secret key, cut to six digits. Whoever writes the email (the request today,
the mail worker when it composes at send time) derives it again from the row and the key, and
checking a typed code derives it once more and compares with hmac.compare_digest. So the
issue's "codes are stored hashed" is met more strictly: a copy of the database alone yields no
code, as it yields no manage link (tokens.py works the same way).

Six digits are guessable, so a code allows MAX_ATTEMPTS wrong tries, counted on the row under
the event's lock (code_confirmation.py); after that it is dead until "Resend" issues a fresh
one (a new nonce, the count back to zero), which the resend cooldown and the address's hourly
cap limit. A registration without a nonce (made before codes existed, or by the back office)
has no code at all: an empty nonce would give every such row the same code.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from events_app.models import Registration, RegistrationStatus

CODE_DIGITS = 6
MAX_ATTEMPTS = 5  # wrong tries a code survives; the next try is refused, even the right code
# What people type around the digits (a space in the middle, a dash, a pasted newline).
_IGNORED = str.maketrans("", "", " -\t\r\n.")
_MAX_INPUT = 20


def new_code_nonce() -> str:
    return secrets.token_hex(16)


def code_for(secret_key: str, nonce: str) -> str | None:
    """The six digits `nonce` stands for under `secret_key`; None for an empty nonce."""
    if not nonce:
        return None
    digest = hmac.new(secret_key.encode(), b"confirmation-code:" + nonce.encode(), hashlib.sha256)
    # 64 bits modulo 10^6: the bias is below 10^-13, so every code is as likely as another.
    return str(int.from_bytes(digest.digest()[:8], "big") % 10**CODE_DIGITS).zfill(CODE_DIGITS)


def confirmation_code(registration: Registration, secret_key: str) -> str | None:
    """The code an email about `registration` carries: only while it waits for confirmation."""
    if registration.status != RegistrationStatus.pending:
        return None
    return code_for(secret_key, registration.code_nonce)


def issue_code(registration: Registration) -> None:
    """A fresh code: every earlier one stops working, and it gets its own tries."""
    registration.code_nonce = new_code_nonce()
    registration.code_attempts = 0


def typed_code(value: str) -> str | None:
    """The digits of what was typed, or None when it cannot be a code (checked before any
    database work, and before it counts as a try)."""
    if len(value) > _MAX_INPUT:
        return None
    digits = value.translate(_IGNORED)
    if len(digits) != CODE_DIGITS or not digits.isascii() or not digits.isdigit():
        return None
    return digits


def code_matches(secret_key: str, nonce: str, typed: str) -> bool:
    expected = code_for(secret_key, nonce)
    return expected is not None and hmac.compare_digest(expected, typed)
