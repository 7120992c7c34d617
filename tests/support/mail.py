"""Reading the outbox in tests as a mail server would receive it: emails queued to be written
at send time (mail/deferred.py) are written first, by the same writer the worker uses."""

from __future__ import annotations

from events_app.config import Settings
from events_app.db import Database
from events_app.mail.deferred import write_queued
from events_app.registration.notify import registration_writers
from events_app.routes import site_urls
from tests.support.settings import make_settings


def write_queued_emails(db: Database, settings: Settings | None = None) -> int:
    settings = settings or make_settings("sqlite://")
    with db.write() as session:
        return write_queued(
            session=session, writers=registration_writers(settings, site_urls(settings))
        )
