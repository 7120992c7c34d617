"""The attendee's rights over their data: a copy of everything stored about a registration,
and its deletion."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from events_app.models import Event, OutboxMessage, Registration
from events_app.registration.notify import Notifier
from events_app.registration.service import cancel_registration

# Never exported: together with the site's key they are the manage link itself.
SECRET_FIELDS = {"token_hash", "token_nonce"}


def _value(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime) else value


def export_registration(*, session: Session, registration: Registration) -> dict[str, Any]:
    """Everything stored about one registration, as JSON-ready data."""
    event = session.get(Event, registration.event_id)
    assert event is not None
    data = {
        name: _value(value)
        for name, value in registration.model_dump().items()
        if name not in SECRET_FIELDS
    }
    messages = session.scalars(
        select(OutboxMessage)
        .where(col(OutboxMessage.registration_id) == registration.id)
        .order_by(col(OutboxMessage.id))
    ).all()
    return {
        "registration": data,
        "event": {
            "title": event.title,
            "slug": event.slug,
            "starts_at": event.starts_at.isoformat(),
            "ends_at": event.ends_at.isoformat(),
            "timezone": event.timezone,
        },
        "emails": [
            {
                "kind": message.kind,
                "to": message.to_address,
                "subject": message.subject,
                "status": str(message.status),
                "created_at": _value(message.created_at),
                "sent_at": _value(message.sent_at),
            }
            for message in messages
        ],
    }


class _SilentFor(Notifier):
    """A notifier that writes no email to one registration (the one being deleted: its
    owner asked us to forget the address) and the usual ones to everybody else."""

    def __init__(self, notifier: Notifier, registration_id: int | None) -> None:
        super().__init__(notifier.settings, notifier.composer)
        self.silent_id = registration_id

    def notify(self, *, registration: Registration, **kwargs: Any) -> None:
        if registration.id == self.silent_id:
            return
        super().notify(registration=registration, **kwargs)


def delete_registration(
    *,
    session: Session,
    now: datetime,
    registration: Registration,
    notifier: Notifier,
) -> None:
    """Cancel (so the seat frees and the waitlist moves up, with its emails), then delete the
    row. Emails already written keep their row with registration_id set to NULL (the
    foreign key says so)."""
    cancel_registration(
        session=session,
        now=now,
        registration=registration,
        notifier=_SilentFor(notifier, registration.id),
    )
    session.delete(registration)
    session.flush()
