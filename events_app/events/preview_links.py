"""Preview links: a private address showing an event's public page before it goes live, for an
organiser to send to a colleague who has no account.

The token in the address is the event's id and the link's expiry, signed with the site's
secret key (itsdangerous, with a salt of its own, so no other signed value of the app is ever
accepted as one). Nothing is stored: any process can check any link, and the expiry is read
against the app's clock. A link names one event: the page also checks that the address's slug
is that event's. It cannot be withdrawn one by one; it stops working when it expires, when the
event is deleted, or when the secret key changes (docs/security.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from sqlmodel import Session

from events_app.audit.records import record_audit
from events_app.events.queries import event_is_live
from events_app.models import Event, User

# How long a new link works: long enough to send for comments over a week, short enough that
# a forwarded link does not show a draft for ever. Each link keeps the expiry it was made with.
PREVIEW_LINK_LIFETIME = timedelta(days=7)
_SALT = "events-event-preview"
_MAX_TOKEN_LENGTH = 200  # a real one is about 50 characters: longer is not ours


@dataclass(frozen=True)
class PreviewClaim:
    event_id: int
    expires_at: datetime

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at


def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=_SALT)


def issue_preview_token(secret_key: str, *, event_id: int, expires_at: datetime) -> str:
    return _serializer(secret_key).dumps({"e": event_id, "x": int(expires_at.timestamp())})


def _integer(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def read_preview_token(secret_key: str, token: str) -> PreviewClaim | None:
    """What a token claims, if it is ours and well formed (expired or not: the page says
    which); None for anything edited, truncated or signed for another purpose."""
    if not token or len(token) > _MAX_TOKEN_LENGTH:
        return None
    try:
        payload = _serializer(secret_key).loads(token)
    except BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    event_id, expires = _integer(payload.get("e")), _integer(payload.get("x"))
    if event_id is None or expires is None:
        return None
    try:
        expires_at = datetime.fromtimestamp(expires, UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return PreviewClaim(event_id=event_id, expires_at=expires_at)


@dataclass(frozen=True)
class PreviewLink:
    """Plain values, read inside the transaction: the back office shows them after it."""

    slug: str
    title: str
    timezone: str
    token: str
    expires_at: datetime


def create_preview_link(
    *, session: Session, now: datetime, actor: User, event_id: int, secret_key: str
) -> PreviewLink | None:
    """A new link to the event's page, recorded in the audit log (who let whom see a draft);
    None when the event is gone or already live (its public page is the link then)."""
    event = session.get(Event, event_id)
    if event is None or event_is_live(event, now):
        return None
    expires_at = now + PREVIEW_LINK_LIFETIME
    token = issue_preview_token(secret_key, event_id=event_id, expires_at=expires_at)
    record_audit(
        session=session, now=now, actor=actor, action="event.preview_link", target_type="event",
        target_id=event_id, target_label=event.slug, before=None,
        after={"expires_at": expires_at},
    )  # fmt: skip
    return PreviewLink(
        slug=event.slug,
        title=event.title,
        timezone=event.timezone,
        token=token,
        expires_at=expires_at,
    )
