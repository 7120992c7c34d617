"""Organisers writing to an event's attendees: a subject and plain text, to the confirmed,
the waitlisted or both; one email each through the outbox, with their own manage link.

How often is limited per event (EVENTS_ADMIN_MESSAGES_PER_HOUR) and counted in the
`attendee_message` table under the event's lock, so two organisers, or two processes, cannot
both pass the count. The subject becomes a header: a line break in it is refused here, and
the message builder refuses CR, LF and NUL again when sending.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from sqlalchemy import func, select
from sqlmodel import Session, col

from events_app.audit.records import record_audit
from events_app.mail.composed import ComposedEmail
from events_app.models import AttendeeMessage, Event, Registration, RegistrationStatus, User
from events_app.registration.notify import Notifier
from events_app.registration.service import lock_event

KIND = "attendee_message"
AUDIENCES = (RegistrationStatus.confirmed, RegistrationStatus.waitlisted)
WINDOW = timedelta(hours=1)
SUBJECT_MAX, BODY_MAX = 150, 10_000
# Line breaks of every kind (CR, LF, NEL, the Unicode separators) and other control
# characters: nothing of the sort belongs in a header.
_UNSAFE_SUBJECT = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# The text may have line breaks and tabs, nothing else invisible.
_UNSAFE_BODY = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
PREVIEW_TOKEN = "…"  # noqa: S105 - the preview shows where each attendee's own link goes, not anyone's


@dataclass(frozen=True)
class MessageDraft:
    audience: tuple[RegistrationStatus, ...]
    subject: str
    body: str

    @property
    def audience_key(self) -> str:
        return ",".join(self.audience)


class MessageRefused(ValueError):
    """'no_recipients', or 'rate_limited' with the moment the next message may go."""

    def __init__(self, code: str, *, retry_at: datetime | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.retry_at = retry_at


def parse_draft(
    audience: Sequence[str], subject: str, body: str
) -> tuple[MessageDraft | None, dict[str, str]]:
    """The draft, or the problem with each field as a code the page words."""
    errors: dict[str, str] = {}
    chosen = tuple(status for status in AUDIENCES if status.value in audience)
    if not chosen or any(value not in {s.value for s in AUDIENCES} for value in audience):
        errors["audience"] = "audience"
    subject = subject.strip()
    if not subject:
        errors["subject"] = "required"
    elif _UNSAFE_SUBJECT.search(subject):
        errors["subject"] = "unsafe_subject"
    elif len(subject) > SUBJECT_MAX:
        errors["subject"] = "too_long"
    body = body.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not body:
        errors["body"] = "required"
    elif _UNSAFE_BODY.search(body):
        errors["body"] = "control"
    elif len(body) > BODY_MAX:
        errors["body"] = "too_long"
    if errors:
        return None, errors
    return MessageDraft(chosen, subject, body), {}


def recipients(
    *, session: Session, event_id: int, audience: Sequence[RegistrationStatus]
) -> list[Registration]:
    return list(
        session.scalars(
            select(Registration)
            .where(col(Registration.event_id) == event_id, col(Registration.status).in_(audience))
            .order_by(col(Registration.id))
        ).all()
    )


def audience_sizes(*, session: Session, event_id: int) -> dict[str, int]:
    rows = session.execute(
        select(col(Registration.status), func.count())
        .where(col(Registration.event_id) == event_id, col(Registration.status).in_(AUDIENCES))
        .group_by(col(Registration.status))
    ).all()
    sizes = {status.value: 0 for status in AUDIENCES}
    sizes.update({str(status): int(number) for status, number in rows})
    return sizes


def _template_values(draft: MessageDraft) -> dict[str, Any]:
    paragraphs = [block.split("\n") for block in re.split(r"\n\s*\n", draft.body)]
    return {"subject": draft.subject, "body": draft.body, "paragraphs": paragraphs}


def preview(
    *, notifier: Notifier, event: Event, draft: MessageDraft, sample: Registration, now: datetime
) -> ComposedEmail:
    """The email exactly as `sample` (the first recipient) will get it, their link aside."""
    email = notifier.composer.compose(
        KIND, registration=sample, event=event, now=now, token=PREVIEW_TOKEN,
        extra=_template_values(draft),
    )  # fmt: skip
    # Addresses are percent-encoded (site_urls.py): show the placeholder as the reader sees it.
    encoded = quote(PREVIEW_TOKEN)
    return replace(
        email,
        text=email.text.replace(encoded, PREVIEW_TOKEN),
        html=email.html.replace(encoded, PREVIEW_TOKEN),
    )


def recent_sends(*, session: Session, event_id: int, now: datetime) -> list[datetime]:
    """When this event's messages of the last hour went, oldest first."""
    return list(
        session.scalars(
            select(col(AttendeeMessage.created_at))
            .where(
                col(AttendeeMessage.event_id) == event_id,
                col(AttendeeMessage.created_at) > now - WINDOW,
            )
            .order_by(col(AttendeeMessage.created_at))
        ).all()
    )


def next_allowed(sends: Sequence[datetime], per_hour: int) -> datetime | None:
    """None while another message may go now; otherwise when the oldest counted one leaves
    the hour."""
    if len(sends) < per_hour:
        return None
    return sends[len(sends) - per_hour] + WINDOW


def history(*, session: Session, event_id: int, limit: int = 20) -> list[AttendeeMessage]:
    return list(
        session.scalars(
            select(AttendeeMessage)
            .where(col(AttendeeMessage.event_id) == event_id)
            .order_by(col(AttendeeMessage.created_at).desc(), col(AttendeeMessage.id).desc())
            .limit(limit)
        ).all()
    )


def send_message(
    *,
    session: Session,
    now: datetime,
    actor: User,
    event_id: int,
    draft: MessageDraft,
    notifier: Notifier,
    per_hour: int,
) -> AttendeeMessage:
    """One email per recipient, written to the outbox with the message's record and its
    audit entry, all in this transaction. Refused past the hourly limit, or with nobody to
    write to."""
    event = lock_event(session=session, event_id=event_id)
    if event is None:
        raise MessageRefused("event_missing")
    retry_at = next_allowed(recent_sends(session=session, event_id=event_id, now=now), per_hour)
    if retry_at is not None:
        raise MessageRefused("rate_limited", retry_at=retry_at)
    people = recipients(session=session, event_id=event_id, audience=draft.audience)
    if not people:
        raise MessageRefused("no_recipients")
    message = AttendeeMessage(
        event_id=event_id, sender_id=actor.id, sender_email=actor.email,
        audience=draft.audience_key, subject=draft.subject, body=draft.body,
        recipients=len(people), created_at=now,
    )  # fmt: skip
    session.add(message)
    values = _template_values(draft)
    for registration in people:
        notifier.notify(
            session=session, now=now, kind=KIND, registration=registration, event=event,
            extra=values,
        )  # fmt: skip
    session.flush()
    record_audit(
        session=session, now=now, actor=actor, action="event.message", target_type="event",
        target_id=event.id, target_label=event.slug, before=None,
        after={"subject": draft.subject, "audience": draft.audience_key, "recipients": len(people)},
    )  # fmt: skip
    return message
