"""Turning a registration's state change into an email in the outbox, in the same
transaction, always carrying the attendee's current manage link.

The change queues the email with its recipient, its subject and what it needs besides the
rows (the waitlist position, whether it held a seat at that moment, an organiser's words);
the mail worker writes the bodies when it sends it (`Notifier.write`, mail/deferred.py), so
the event's lock is not held while templates, the invitation and the QR code are made."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from events_app.config import Settings
from events_app.mail.composed import ComposedEmail
from events_app.mail.deferred import EmailWriter, Unwritable, enqueue_to_write
from events_app.models import Event, OutboxMessage, Registration
from events_app.registration.emails import EmailComposer
from events_app.registration.seats import is_seated
from events_app.registration.tokens import token_for
from events_app.site_urls import SiteUrls

if TYPE_CHECKING:
    from events_app.web.context import AppContext


WRITER = "registration"  # the name the outbox stores for `Notifier.write`


class Notifier:
    def __init__(
        self, settings: Settings, urls: SiteUrls, composer: EmailComposer | None = None
    ) -> None:
        self.settings = settings
        self.composer = composer or EmailComposer(settings, urls)

    def token(self, registration: Registration) -> str:
        return token_for(self.settings.secret_key, registration.token_nonce)

    def notify(
        self,
        *,
        session: Session,
        now: datetime,
        kind: str,
        registration: Registration,
        event: Event,
        position: int | None = None,
        with_calendar: bool = True,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        """Queue the email `kind` about `registration`. `extra` must be JSON: the worker
        reads it back to write the email."""
        assert registration.id is not None
        assert event.id is not None
        self.queue(
            session=session,
            now=now,
            kind=kind,
            registration_id=registration.id,
            to=registration.email,
            event_id=event.id,
            event_title=event.title,
            seated=is_seated(registration),
            position=position,
            with_calendar=with_calendar,
            extra=extra,
        )

    def queue(
        self,
        *,
        session: Session,
        now: datetime,
        kind: str,
        registration_id: int,
        to: str,
        event_id: int,
        event_title: str,
        seated: bool,
        position: int | None = None,
        with_calendar: bool = True,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        """`notify` from the values alone, for a change made without loading the rows
        (registration/confirming.py)."""
        enqueue_to_write(
            session=session,
            now=now,
            kind=kind,
            to=to,
            subject=self.composer.subject(kind, event_title=event_title, extra=extra),
            writer=WRITER,
            values={
                "event_id": event_id,
                "position": position,
                "with_calendar": with_calendar,
                "seated": seated,
                "extra": dict(extra or {}),
            },
            base_url=self.settings.base_url,
            registration_id=registration_id,
        )

    def write(
        self, *, session: Session, message: OutboxMessage, values: Mapping[str, Any]
    ) -> ComposedEmail:
        """The email queued by `notify`, written from the rows as they are now (the link is
        the attendee's current one) and as it was when the change happened (its time, the
        seat, the position)."""
        registration = (
            session.get(Registration, message.registration_id) if message.registration_id else None
        )
        event = session.get(Event, values["event_id"])
        if registration is None or event is None:
            raise Unwritable("the registration or event this email was about has been deleted")
        return self.composer.compose(
            message.kind,
            registration=registration,
            event=event,
            now=message.created_at,
            token=self.token(registration),
            position=values.get("position"),
            with_calendar=bool(values.get("with_calendar", True)),
            extra=values.get("extra"),
            seated=values.get("seated"),
        )

    @property
    def writers(self) -> dict[str, EmailWriter]:
        """What the mail worker is handed to write this notifier's emails."""
        return {WRITER: self.write}


def app_notifier(context: AppContext) -> Notifier:
    """The app's one notifier: it holds the email templates, compiled once."""
    return context.part(Notifier, Notifier)


def registration_writers(settings: Settings, urls: SiteUrls) -> dict[str, EmailWriter]:
    """Registration's email writers, as the mail worker takes them (`events-app worker`, or
    the worker inside `serve`)."""
    return Notifier(settings, urls).writers
