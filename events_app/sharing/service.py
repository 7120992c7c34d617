"""Sending a page to a friend: what may be shared (a live event, a published article) and the
one email that sharing writes to the outbox."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session

from events_app.articles.service import get_published_article
from events_app.events.service import get_live_event
from events_app.mail.outbox import enqueue
from events_app.models import Event, OutboxMessage
from events_app.registration.emails import EmailComposer
from events_app.sharing.email import compose_share
from events_app.sharing.schemas import ShareRequest

SUMMARY_MAX = 300


class ShareKind(StrEnum):
    event = "event"
    article = "article"


@dataclass(frozen=True)
class ShareTarget:
    kind: ShareKind
    slug: str
    title: str
    summary: str
    event: Event | None = None  # an event's email also says when and where

    @property
    def route(self) -> str:
        """The name of the shared page's route."""
        return "event_detail" if self.kind is ShareKind.event else "article_detail"


def _short(summary: str, text: str) -> str:
    text = summary or text
    return text if len(text) <= SUMMARY_MAX else text[: SUMMARY_MAX - 1].rstrip() + "…"


def find_share_target(
    *, session: Session, now: datetime, kind: ShareKind, slug: str
) -> ShareTarget | None:
    """What a visitor may share: exactly what they may see (a draft, an event before its
    go-live moment or an article before its publication is None, as for a missing one)."""
    if kind is ShareKind.event:
        event = get_live_event(session=session, slug=slug, now=now)
        if event is None:
            return None
        summary = _short(event.summary, event.description_text)
        return ShareTarget(kind, event.slug, event.title, summary, event)
    article = get_published_article(session=session, slug=slug, now=now)
    if article is None:
        return None
    return ShareTarget(
        kind, article.slug, article.title, _short(article.summary, article.body_text)
    )


def recipient_key(secret_key: str, email_key: str) -> str:
    """What the per-recipient limit counts by: a keyed hash, so that the rate-limit store
    (Redis) never holds the addresses people send to."""
    return hmac.new(secret_key.encode(), email_key.encode(), hashlib.sha256).hexdigest()[:32]


def send_to_friend(
    *,
    session: Session,
    now: datetime,
    target: ShareTarget,
    request: ShareRequest,
    composer: EmailComposer,
) -> OutboxMessage:
    """One message, to the one validated recipient, through the outbox. Nothing else is
    stored: the sender gives no address, and the recipient's is kept only as the outbox
    keeps every message's."""
    email = compose_share(
        composer,
        to=request.email,
        sender_name=request.name,
        note=request.note,
        title=target.title,
        summary=target.summary,
        url=composer.urls(target.route, slug=target.slug),
        event=target.event,
    )
    return enqueue(session=session, now=now, email=email, base_url=composer.settings.base_url)
