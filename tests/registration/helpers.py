"""Small helpers for registration tests: register, confirm and read the outbox."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import col

from events_app.clock import FrozenClock
from events_app.config import Settings
from events_app.db import Database
from events_app.events.questions import questions_of
from events_app.models import Event, OutboxMessage, Registration
from events_app.registration import service
from events_app.registration.answers import check_answers
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


def register_with_answers(
    db: Database,
    now: datetime,
    notifier: Notifier,
    event_id: int | None,
    given: dict[str, object],
    email: str = "answers@example.org",
) -> Registration:
    """Register with answers to the event's questions, checked as the form checks them."""
    data = RegistrationCreate(name="Grace Hopper", email=email, consent=True)
    with db.write() as session:
        event = session.get(Event, event_id)
        assert event is not None
        assert event.id is not None
        answers, errors = check_answers(questions_of(event.questions), given)
        assert errors == {}
        outcome = service.register_attendee(
            session=session, now=now, event_id=event.id, data=data, notifier=notifier,
            hold=HOLD, answers=answers,
        )  # fmt: skip
        return outcome.registration


def cancel_by_token(db: Database, now: datetime, notifier: Notifier, token: str) -> Registration:
    with db.write() as session:
        registration = service.find_by_token(session=session, token=token)
        assert registration is not None
        return service.cancel_registration(
            session=session, now=now, registration=registration, notifier=notifier
        )


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
