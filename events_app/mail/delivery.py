"""The outbox's state changes: claim a batch, mark a message sent, or schedule its retry.

Each runs inside one short write transaction (`Database.write()`); sending happens between
them, outside any transaction. Claiming sets `locked_until = now + lease`: on PostgreSQL the
batch is picked with SELECT ... FOR UPDATE SKIP LOCKED, so concurrent claimers take disjoint
batches without waiting for each other; on SQLite the write transaction began with BEGIN
IMMEDIATE and claimers simply take turns. A worker that dies mid-send leaves its lease behind;
once the lease lapses the message is claimable again and is sent again: at worst twice,
never lost.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlmodel import Session, col

from events_app.models import OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=2)
ERROR_LIMIT = 2000


@dataclass(frozen=True)
class Claim:
    message: OutboxMessage
    lease_until: datetime


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed try: 30 s, 1 min, 2 min, ... at most 2 h."""
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_CAP)


def claim_due(*, session: Session, now: datetime, lease: timedelta, limit: int) -> list[Claim]:
    query = (
        select(OutboxMessage)
        .where(
            col(OutboxMessage.status) == OutboxStatus.pending,
            col(OutboxMessage.next_attempt_at) <= now,
            or_(col(OutboxMessage.locked_until).is_(None), col(OutboxMessage.locked_until) < now),
        )
        .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    messages = list(session.scalars(query).all())
    lease_until = now + lease
    for message in messages:
        message.locked_until = lease_until
    session.flush()
    return [Claim(message, lease_until) for message in messages]


def _locked(session: Session, outbox_id: int) -> OutboxMessage | None:
    # FOR UPDATE on PostgreSQL; SQLite's write transaction already holds the lock.
    return session.scalar(
        select(OutboxMessage).where(col(OutboxMessage.id) == outbox_id).with_for_update()
    )


def mark_sent(*, session: Session, now: datetime, outbox_id: int) -> bool:
    """Record a delivery. Whoever delivered it, it is sent: no lease check here."""
    message = _locked(session, outbox_id)
    if message is None or message.status != OutboxStatus.pending:
        return False
    message.status = OutboxStatus.sent
    message.sent_at = now
    message.attempts += 1
    message.locked_until = None
    message.last_error = ""
    return True


def record_failure(
    *,
    session: Session,
    now: datetime,
    claim: Claim,
    error: str,
    max_attempts: int,
    permanent: bool = False,
) -> OutboxStatus | None:
    """Schedule the next try with backoff, or give up after `max_attempts` (or at once when
    `permanent`). Only the current lease holder may do so: if our lease lapsed and another
    worker claimed the message, its outcome is theirs to record. None when not ours."""
    assert claim.message.id is not None
    message = _locked(session, claim.message.id)
    if (
        message is None
        or message.status != OutboxStatus.pending
        or message.locked_until != claim.lease_until
    ):
        return None
    message.attempts += 1
    message.last_error = error.replace("\0", "\\0")[:ERROR_LIMIT]  # PostgreSQL refuses NUL
    message.locked_until = None
    if permanent or message.attempts >= max_attempts:
        message.status = OutboxStatus.failed
        logger.error(
            "mail %s (outbox %s, %s) failed for good after %d attempt(s): %s",
            message.message_id,
            message.id,
            message.kind,
            message.attempts,
            error,
        )
    else:
        message.next_attempt_at = now + backoff(message.attempts)
        logger.warning(
            "mail %s (outbox %s) attempt %d failed, next try at %s: %s",
            message.message_id,
            message.id,
            message.attempts,
            message.next_attempt_at.isoformat(),
            error,
        )
    return message.status


def release(*, session: Session, claim: Claim) -> None:
    """Give back a claim without trying (e.g. too little of the lease was left to send)."""
    assert claim.message.id is not None
    message = _locked(session, claim.message.id)
    if message is not None and message.locked_until == claim.lease_until:
        message.locked_until = None
