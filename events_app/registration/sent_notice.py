"""What the "check your email" page may say about the form just sent: the address it was
sent to, when, and until when a seat is held. It travels in a cookie signed with the site's
secret key (itsdangerous), scoped to that page's path and living as long as a hold, so the
page names an address only to the browser that typed it: the page's address carries nothing
personal (nothing in logs, history or a Referer), and it is never stored (no-store).

Everything the page says comes from here, never from the database: whether the address was
new, already registered or over its hourly cap, the page reads the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer

COOKIE_NAME = "events_registered"
_SALT = "events-registration-sent"
_MAX_VALUE_LENGTH = 600  # an address is at most 320 characters: longer is not ours
# Tolerated when another machine's clock runs a little ahead of this one's.
_CLOCK_SKEW = timedelta(minutes=1)


@dataclass(frozen=True)
class SentNotice:
    event_id: int
    email: str  # as the form normalised it
    registered_at: datetime  # when the form was accepted: the hold counts from here
    sent_at: datetime  # the last email the visitor asked for: the cooldown counts from here
    seat_held: bool  # a seat was free when the form was sent; otherwise it joins the waitlist

    def held_until(self, hold: timedelta) -> datetime | None:
        return self.registered_at + hold if self.seat_held else None


def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=_SALT)


def issue_notice(secret_key: str, notice: SentNotice) -> str:
    payload = {
        "e": notice.event_id,
        "a": notice.email,
        "r": int(notice.registered_at.timestamp()),
        "s": int(notice.sent_at.timestamp()),
        "h": notice.seat_held,
    }
    return _serializer(secret_key).dumps(payload)


def _integer(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def read_notice(
    secret_key: str, value: str | None, *, event_id: int, now: datetime, max_age: timedelta
) -> SentNotice | None:
    """The notice a cookie carries, if it is ours, well formed, for this event and younger
    than `max_age`; None for anything else, which the page answers generically."""
    if not value or len(value) > _MAX_VALUE_LENGTH:
        return None
    try:
        payload = _serializer(secret_key).loads(value)
    except BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    event, registered, sent = (_integer(payload.get(k)) for k in ("e", "r", "s"))
    email, held = payload.get("a"), payload.get("h")
    if event != event_id or registered is None or sent is None:
        return None
    if not isinstance(email, str) or not isinstance(held, bool):
        return None
    registered_at = datetime.fromtimestamp(registered, UTC)
    sent_at = datetime.fromtimestamp(sent, UTC)
    if registered_at > now + _CLOCK_SKEW or now - registered_at >= max_age:
        return None
    return SentNotice(event_id, email, registered_at, sent_at, held)
