"""Manage tokens. Each registration has 128 random bits from `secrets` (its nonce); its token
is an HMAC of the nonce under the site's secret key, and only the token's SHA-256 is stored
for look-ups. So every email can carry the manage link, while a copy of the database alone
yields no working link. Re-sending a link rotates the nonce: earlier links stop working."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

TOKEN_LENGTH = 32  # characters of url-safe base64: 192 bits


def new_nonce() -> str:
    return secrets.token_hex(16)


def token_for(secret_key: str, nonce: str) -> str:
    digest = hmac.new(secret_key.encode(), b"registration:" + nonce.encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).decode()[:TOKEN_LENGTH]


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_token(value: str) -> bool:
    """A cheap shape check before touching the database."""
    return len(value) == TOKEN_LENGTH and all(c.isalnum() or c in "-_" for c in value)
