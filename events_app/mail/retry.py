"""Sending failed mail again. A message that used up its attempts (an SMTP outage of about an
hour) stays `failed`; once the cause is fixed, `events-app mail retry` or the back office's
failed-mail page puts it back in the queue: pending, attempts from zero, due at once. Every
re-queue is one audit entry, written in the same transaction."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select, update
from sqlmodel import Session, col

from events_app.audit.records import record_audit
from events_app.models import Event, OutboxMessage, OutboxStatus, Registration, User

LISTED = 200  # failed messages shown on one page, newest first
AUDITED_IDS = 500  # ids named in one audit entry; the count is always there


@dataclass(frozen=True)
class FailedFilters:
    """Which failed messages: all given conditions hold. Times are when the message was
    queued (`since` inclusive, `until` exclusive)."""

    kind: str | None = None
    event_slug: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    ids: tuple[int, ...] | None = None  # exactly these (the back office's selection)

    @property
    def narrowed(self) -> bool:
        return any(value is not None for value in asdict(self).values())


@dataclass(frozen=True)
class FailedMessage:
    id: int
    kind: str
    to_address: str
    subject: str
    attempts: int
    last_error: str
    created_at: datetime
    event_slug: str | None
    event_title: str | None


def _conditions(filters: FailedFilters) -> list[ColumnElement[bool]]:
    conditions = [col(OutboxMessage.status) == OutboxStatus.failed]
    if filters.kind is not None:
        conditions.append(col(OutboxMessage.kind) == filters.kind)
    if filters.event_slug is not None:
        of_event = (
            select(col(Registration.id))
            .join(Event, col(Event.id) == col(Registration.event_id))
            .where(col(Event.slug) == filters.event_slug)
        )
        conditions.append(col(OutboxMessage.registration_id).in_(of_event))
    if filters.since is not None:
        conditions.append(col(OutboxMessage.created_at) >= filters.since)
    if filters.until is not None:
        conditions.append(col(OutboxMessage.created_at) < filters.until)
    if filters.ids is not None:
        conditions.append(col(OutboxMessage.id).in_(filters.ids))
    return conditions


def event_exists(*, session: Session, slug: str) -> bool:
    return session.scalar(select(col(Event.id)).where(col(Event.slug) == slug)) is not None


def count_failed(*, session: Session) -> int:
    query = select(func.count()).select_from(OutboxMessage)
    return int(session.scalar(query.where(*_conditions(FailedFilters()))) or 0)


def list_failed(*, session: Session, limit: int = LISTED) -> list[FailedMessage]:
    """The most recently queued failed messages, with the event each was about (if any)."""
    rows = session.execute(
        select(
            col(OutboxMessage.id),
            col(OutboxMessage.kind),
            col(OutboxMessage.to_address),
            col(OutboxMessage.subject),
            col(OutboxMessage.attempts),
            col(OutboxMessage.last_error),
            col(OutboxMessage.created_at),
            col(Event.slug),
            col(Event.title),
        )
        .outerjoin(Registration, col(Registration.id) == col(OutboxMessage.registration_id))
        .outerjoin(Event, col(Event.id) == col(Registration.event_id))
        .where(*_conditions(FailedFilters()))
        .order_by(col(OutboxMessage.created_at).desc(), col(OutboxMessage.id).desc())
        .limit(limit)
    ).all()
    return [FailedMessage(*row) for row in rows]


def retry_failed(
    *, session: Session, now: datetime, filters: FailedFilters, actor: User | None
) -> list[int]:
    """Queue the failed messages `filters` selects again; returns their ids (none: nothing
    written, no audit entry). Call inside a write transaction."""
    query = (
        select(col(OutboxMessage.id)).where(*_conditions(filters)).order_by(col(OutboxMessage.id))
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()  # SQLite's write transaction already holds the lock
    ids = [outbox_id for outbox_id in session.scalars(query) if outbox_id is not None]
    if not ids:
        return []
    session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id).in_(ids))
        .values(status=OutboxStatus.pending, attempts=0, next_attempt_at=now, locked_until=None)
        .execution_options(synchronize_session=False)
    )
    wanted = {key: value for key, value in asdict(filters).items() if value is not None}
    wanted.pop("ids", None)
    record_audit(
        session=session, now=now, actor=actor, action="mail.retry", target_type="outbox",
        target_id=ids[0] if len(ids) == 1 else None,
        target_label=f"{len(ids)} failed message(s) queued again",
        before={"status": OutboxStatus.failed},
        after={"status": OutboxStatus.pending, "count": len(ids), "filters": wanted,
               "messages": ids[:AUDITED_IDS]},
    )  # fmt: skip
    return ids
