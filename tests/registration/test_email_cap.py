"""A stranger can type anyone's address into the form. Per address, the site sends at most
EVENTS_REGISTRATION_EMAILS_PER_ADDRESS_HOUR form emails an hour, across events, client
addresses and processes (counted in the outbox); past it the form answers as always and
nothing is written. Seats held by unconfirmed registrations show as held, not simply full.
And the form answers a new and a known address at the same moment."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from events_app.app import create_app
from events_app.clock import FrozenClock
from events_app.db import Database
from events_app.models import Registration
from events_app.registration import service, view_support
from events_app.registration.notify import Notifier
from events_app.registration.resend import resend_to_address
from tests.conftest import make_settings
from tests.factories import make_event
from tests.registration.helpers import outbox, register
from tests.registration.web_helpers import https_client, register_form
from tests.support.routes import site_urls


def registrations(db: Database) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(Registration)) or 0)


def test_the_cap_holds_across_events_and_processes(
    database_url: str, db: Database, clock: FrozenClock
) -> None:
    settings = make_settings(database_url, registration_emails_per_address_hour=2)
    events = [make_event(db, clock.now(), slug=f"talk-{n}") for n in range(3)]
    ids = [event.id for event in events if event.id is not None]
    register(db, clock.now(), Notifier(settings, site_urls(settings)), ids[0], "victim@example.org")
    other_process = Database.from_url(database_url)
    try:
        register(
            other_process,
            clock.now(),
            Notifier(settings, site_urls(settings)),
            ids[1],
            "Victim@example.org",
        )
        with pytest.raises(service.RecipientCapped):
            register(
                other_process,
                clock.now(),
                Notifier(settings, site_urls(settings)),
                ids[2],
                "victim@example.org",
            )
    finally:
        other_process.dispose()
    assert registrations(db) == 2
    assert [m.kind for m in outbox(db)] == ["confirm_request", "confirm_request"]
    clock.advance(timedelta(hours=1))
    register(db, clock.now(), Notifier(settings, site_urls(settings)), ids[2], "victim@example.org")
    assert registrations(db) == 3


def test_a_repeat_past_the_cap_sends_no_link(
    database_url: str, db: Database, clock: FrozenClock
) -> None:
    settings = make_settings(database_url, registration_emails_per_address_hour=1)
    event = make_event(db, clock.now(), slug="talk")
    assert event.id is not None
    register(
        db, clock.now(), Notifier(settings, site_urls(settings)), event.id, "victim@example.org"
    )
    clock.advance(service.RESEND_COOLDOWN)
    register(
        db, clock.now(), Notifier(settings, site_urls(settings)), event.id, "victim@example.org"
    )
    assert [m.kind for m in outbox(db)] == ["confirm_request"]


@pytest.fixture
def capped_client(database_url: str, db: Database, clock: FrozenClock) -> Iterator[TestClient]:
    settings = make_settings(database_url, registration_emails_per_address_hour=1)
    with https_client(create_app(settings, clock=clock, database=db)) as client:
        yield client


def test_over_http_a_capped_address_gets_the_usual_answer(
    capped_client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="one")
    make_event(db, now, slug="two")
    first = register_form(capped_client, "one", email="victim@example.org")
    capped = register_form(capped_client, "two", email="victim@example.org")
    assert (first.status_code, capped.status_code) == (303, 303)
    assert capped.headers["location"] == "/events/two/registered"
    assert registrations(db) == 1


def test_held_seats_show_as_held_so_people_join_the_waitlist(
    client: TestClient, db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now, slug="talk", capacity=2)
    assert event.id is not None
    register(db, now, notifier, event.id, "one@example.org")
    register(db, now, notifier, event.id, "two@example.org")
    page = client.get("/events/talk").text
    assert "Fully booked, 2 seats held for people who have not confirmed yet" in page
    assert "Held seats that are not confirmed in time go to the waitlist" in page
    assert ">Join the waitlist</button>" in page


def test_a_new_and_a_known_address_are_answered_at_the_same_moment(
    database_url: str, db: Database, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each path waits until the same time after its start, whatever it did before."""
    moments: list[float] = []
    starts: list[float] = []
    real_monotonic = view_support.monotonic

    def monotonic() -> float:
        value = real_monotonic()
        starts.append(value)
        return value

    async def answer_at(moment: float) -> None:
        moments.append(moment)

    monkeypatch.setattr(view_support, "monotonic", monotonic)
    monkeypatch.setattr(view_support, "answer_at", answer_at)
    settings = make_settings(database_url, registration_answer_ms=250)
    app: Starlette = create_app(settings, clock=clock, database=db)
    make_event(db, clock.now(), slug="talk")
    with https_client(app) as client:
        register_form(client, "talk", email="new@example.org")
        first_start = starts[-1]
        register_form(client, "talk", email="new@example.org")  # now a known address
        second_start = starts[-1]
    assert moments == [first_start + 0.25, second_start + 0.25]


def test_resend_keeps_to_the_cooldown_and_the_cap(
    database_url: str, db: Database, clock: FrozenClock
) -> None:
    settings = make_settings(database_url, registration_emails_per_address_hour=2)
    notifier = Notifier(settings, site_urls(settings))
    event = make_event(db, clock.now(), slug="talk")
    assert event.id is not None
    register(db, clock.now(), notifier, event.id, "victim@example.org")

    def resend() -> bool:
        with db.write() as session:
            return resend_to_address(
                session=session,
                now=clock.now(),
                event_id=event.id,  # type: ignore[arg-type]
                email_key="victim@example.org",
                notifier=notifier,
            )

    assert not resend()  # within the cooldown
    clock.advance(service.RESEND_COOLDOWN)
    assert resend()
    clock.advance(service.RESEND_COOLDOWN)
    assert not resend()  # two form emails this hour: the cap
    assert [m.kind for m in outbox(db)] == ["confirm_request", "confirm_request"]
    with db.write() as session:
        nobody = resend_to_address(
            session=session, now=clock.now(), event_id=event.id, email_key="x@example.org",
            notifier=notifier,
        )  # fmt: skip
    assert not nobody
