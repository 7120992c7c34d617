"""Emails the worker writes when it sends them, not inside the change that causes them.

Composing an email (three templates, a calendar invitation, a QR code) was most of the work
of confirming a registration, and it ran inside the transaction that holds the event's lock:
every other registration for that event waited for it. So a feature may queue an email as
its recipient, subject and a small JSON `composition` (which of its writers, and what that
writer needs besides the rows it reads), in the same transaction as the change, as before;
the worker writes the bodies just before it first sends the message, stores them on the row
(a retry sends the same bytes), and clears the composition.

mail/ is transport and knows no feature: the app hands the worker its features' writers by
name, as it hands it seat housekeeping.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import insert, select
from sqlmodel import Session, col

from events_app.mail.composed import ComposedEmail
from events_app.mail.outbox import encode_attachments, new_message_id
from events_app.models import OutboxMessage

_OUTBOX = OutboxMessage.__table__  # type: ignore[attr-defined]
_QUEUE = insert(_OUTBOX)


class EmailWriter(Protocol):
    """Writes a queued email's bodies from the rows it reads and its composition's values."""

    def __call__(
        self, *, session: Session, message: OutboxMessage, values: Mapping[str, Any]
    ) -> ComposedEmail: ...


Writers = Mapping[str, EmailWriter]


class Unwritable(Exception):
    """The email can no longer be written (what it was about is gone): it fails for good."""


def enqueue_to_write(
    *,
    session: Session,
    now: datetime,
    kind: str,
    to: str,
    subject: str,
    writer: str,
    values: Mapping[str, Any],
    base_url: str,
    registration_id: int | None = None,
) -> None:
    """Queue an email that `writer` will write when it is sent. `values` must be JSON.
    One INSERT, sent at once (not kept for the session's flush): every registration change
    queues an email while it holds the event's lock, and the ORM's unit of work cost more
    than the statement."""
    session.connection().execute(
        _QUEUE,
        {
            "message_id": new_message_id(base_url),
            "kind": kind,
            "registration_id": registration_id,
            "to_address": to,
            "subject": subject,
            "text_body": "",
            "composition": json.dumps({"writer": writer, "values": dict(values)}),
            "next_attempt_at": now,
            "created_at": now,
        },
    )


def compose_queued(*, session: Session, message: OutboxMessage, writers: Writers) -> ComposedEmail:
    """The email `message` stands for, written now (reading, not writing: no lock is held
    while it is composed)."""
    stored = json.loads(message.composition)
    writer = writers.get(stored.get("writer", ""))
    if writer is None:
        raise Unwritable(f"no writer {stored.get('writer')!r} for a queued {message.kind} email")
    return writer(session=session, message=message, values=stored.get("values", {}))


def store_written(*, session: Session, outbox_id: int, email: ComposedEmail) -> OutboxMessage:
    """Keep what was written on the row, so that a retry sends the same message."""
    message = session.get(OutboxMessage, outbox_id)
    if message is None:
        raise Unwritable(f"outbox message {outbox_id} is gone")
    message.subject = email.subject
    message.text_body = email.text
    message.html_body = email.html
    message.attachments = encode_attachments(email.attachments)
    message.composition = ""
    session.flush()
    return message


def write_queued(*, session: Session, writers: Writers) -> int:
    """Write every queued email now, in one transaction (for tests and benchmarks that read the
    outbox as a mail server would receive it); the worker writes one message at a time."""
    queued = session.scalars(
        select(OutboxMessage)
        .where(col(OutboxMessage.composition) != "")
        .order_by(col(OutboxMessage.id))
    ).all()
    for message in queued:
        assert message.id is not None
        email = compose_queued(session=session, message=message, writers=writers)
        store_written(session=session, outbox_id=message.id, email=email)
    return len(queued)
