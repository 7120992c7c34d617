"""The back-office session cookie's value: which user, at which session version, since when.

The value is signed with the site's secret key (itsdangerous), so it cannot be forged or
edited; nothing is stored on the server, so any process can check any cookie. It is ended
early by raising the user's `session_version` (sign-out, a new password, deactivation): a
cookie carrying an older version no longer names anyone. Its age is checked against the
app's clock, not the system's, so tests move time instead of waiting.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer

COOKIE_NAME = "events_admin"
_SALT = "events-admin-session"
_MAX_VALUE_LENGTH = 300  # a real one is about 100 characters: longer is not ours
# Tolerated when another machine's clock runs a little ahead of this one's.
_CLOCK_SKEW = timedelta(minutes=1)


@dataclass(frozen=True)
class SessionClaim:
    user_id: int
    version: int
    issued_at: datetime


def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=_SALT)


def issue_session(secret_key: str, *, user_id: int, version: int, now: datetime) -> str:
    """A new value for every sign-in: the random part means that no value seen before
    signing in (a planted cookie) is ever the one that works after it."""
    payload = {
        "u": user_id,
        "v": version,
        "t": int(now.timestamp()),
        "n": secrets.token_urlsafe(12),
    }
    return _serializer(secret_key).dumps(payload)


def _integer(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def read_session(
    secret_key: str, value: str | None, *, now: datetime, max_age: timedelta
) -> SessionClaim | None:
    """What a cookie claims, if it is ours, well formed and younger than `max_age`."""
    if not value or len(value) > _MAX_VALUE_LENGTH:
        return None
    try:
        payload = _serializer(secret_key).loads(value)
    except BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    user_id, version, issued = (_integer(payload.get(k)) for k in ("u", "v", "t"))
    if user_id is None or version is None or issued is None:
        return None
    issued_at = datetime.fromtimestamp(issued, UTC)
    if issued_at > now + _CLOCK_SKEW or now - issued_at >= max_age:
        return None
    return SessionClaim(user_id=user_id, version=version, issued_at=issued_at)
