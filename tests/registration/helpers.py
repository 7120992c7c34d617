"""Small helpers for registration tests: register, confirm and read the outbox."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import col

from events_app.clock import FrozenClock
from events_app.config import Settings
from events_app.db import Database
from events_app.models import OutboxMessage, Registration
from events_app.registration import service
from events_app.registration.confirming import confirm_registration
from events_app.registration.housekeeping import Housekeeper
from events_app.registration.notify import Notifier
from events_app.registration.schemas import RegistrationCreate
from tests.support.mail import write_queued_emails

HOLD = timedelta(minutes=60)


def register(
    db: Database,
    now: datetime,
    notifier: Notifier,
    event_id: int,
    email: str,
    name: str = "Ada Lovelace",
) -> tuple[Registration, str]:
    data = RegistrationCreate(name=name, email=email, consent=True)
    with db.write() as session:
        outcome = service.register_attendee(
            session=session, now=now, event_id=event_id, data=data, notifier=notifier, hold=HOLD
        )
        return outcome.registration, notifier.token(outcome.registration)


def confirm(db: Database, now: datetime, notifier: Notifier, token: str) -> Registration:
    with db.write() as session:
        found = confirm_registration(session=session, now=now, token=token, notifier=notifier)
        assert found is not None
        registration = session.get(Registration, found)
        assert registration is not None
        return registration


def outbox(db: Database, settings: Settings | None = None) -> list[OutboxMessage]:
    """The outbox as a mail server would receive it: queued emails written first, as the
    worker writes them (with the tests' settings unless the test has its own)."""
    write_queued_emails(db, settings)
    with db.read() as session:
        return list(session.scalars(select(OutboxMessage).order_by(col(OutboxMessage.id))).all())


def statuses(db: Database, event_id: int) -> dict[str, str]:
    with db.read() as session:
        rows = session.scalars(
            select(Registration).where(col(Registration.event_id) == event_id)
        ).all()
    return {r.email: str(r.status) for r in rows}


def expire_holds(db: Database, now: datetime, notifier: Notifier) -> int:
    """The worker's hold expiry, run once at `now`."""
    keeper = Housekeeper(db=db, clock=FrozenClock(now), notifier=notifier, stop=threading.Event())
    return keeper.expire_holds()
