"""The "Resend" button of the "check your email" page: the email of this address's
registration for the event, again. It is the form's own rule for a second try
(service.send_again: at most once per cooldown and within the address's hourly cap), reached
without typing the form again, so pressing the button can never send more than typing the
address into the form could.

The visitor is told the same whatever happens here (sent_views.py): an address with no
registration (a bot's, one refused by the hourly cap, one whose hold has lapsed) gets nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from events_app.models import RegistrationStatus
from events_app.registration.notify import Notifier
from events_app.registration.service import (
    active_registration,
    lock_event,
    release_lapsed_holds,
    send_again,
)


def resend_to_address(
    *, session: Session, now: datetime, event_id: int, email_key: str, notifier: Notifier
) -> bool:
    """The request to confirm while the registration waits for that, its manage link
    otherwise; True when an email was written to the outbox."""
    event = lock_event(session=session, event_id=event_id)
    if event is None:
        return False
    # Every operation that counts seats releases lapsed holds first, under the event's lock.
    release_lapsed_holds(session=session, now=now, event=event, notifier=notifier)
    registration = active_registration(session=session, event_id=event_id, email_key=email_key)
    if registration is None:
        return False
    pending = registration.status == RegistrationStatus.pending
    kind = "confirm_request" if pending else "manage_link"
    return send_again(
        session=session, now=now, registration=registration, event=event, notifier=notifier,
        kind=kind,
    )  # fmt: skip
