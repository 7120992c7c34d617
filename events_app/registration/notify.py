"""Turning a registration's state change into an email in the outbox, in the same
transaction, always carrying the attendee's current manage link."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from events_app.config import Settings
from events_app.mail.outbox import enqueue
from events_app.models import Event, Registration
from events_app.registration.emails import EmailComposer
from events_app.registration.tokens import token_for
from events_app.site_urls import SiteUrls

if TYPE_CHECKING:
    from events_app.web.context import AppContext


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
        email = self.composer.compose(
            kind,
            registration=registration,
            event=event,
            now=now,
            token=self.token(registration),
            position=position,
            with_calendar=with_calendar,
            extra=extra,
        )
        enqueue(
            session=session,
            now=now,
            email=email,
            base_url=self.settings.base_url,
            registration_id=registration.id,
        )


def app_notifier(context: AppContext) -> Notifier:
    """The app's one notifier: it holds the email templates, compiled once."""
    return context.part(Notifier, Notifier)
