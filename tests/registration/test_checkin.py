"""The check-in rules, run against the database: who is admitted, what a second scan or an
undo does, codes from another event, the audit log, and what the door's list shows."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from events_app.db import Database
from events_app.models import Event, Registration, RegistrationStatus, User
from events_app.registration import checkin, door_list, service
from events_app.registration.checkin import CheckinResult, Outcome
from events_app.registration.checkin_codes import format_code
from events_app.registration.door_list import load_door_list
from events_app.registration.notify import Notifier
from events_app.registration.seats import seats_left
from tests.factories import make_event, make_user
from tests.query_counter import count_queries
from tests.registration.helpers import confirm, register
from tests.support.audit import audit_entries


def seat(
    db: Database, now: datetime, notifier: Notifier, event: Event, email: str, name: str = "Ada"
) -> Registration:
    _, token = register(db, now, notifier, event.id, email, name=name)  # type: ignore[arg-type]
    return confirm(db, now, notifier, token)


def by_code(db: Database, now: datetime, actor: User, event: Event, code: str) -> CheckinResult:
    with db.write() as session:
        return checkin.check_in_by_code(
            session=session,
            now=now,
            actor=actor,
            event_id=event.id,
            code=code,  # type: ignore[arg-type]
        )


def by_id(
    db: Database, now: datetime, actor: User, event: Event, registration_id: int, *, undo: bool
) -> CheckinResult:
    action = checkin.undo_check_in if undo else checkin.check_in
    with db.write() as session:
        return action(
            session=session, now=now, actor=actor, event_id=event.id,  # type: ignore[arg-type]
            registration_id=registration_id,
        )  # fmt: skip


def stored(db: Database, registration_id: int | None) -> Registration:
    with db.read() as session:
        found = session.get(Registration, registration_id)
        assert found is not None
        return found


@pytest.fixture
def staff(db: Database, now: datetime) -> User:
    return make_user(db, now, email="door@example.org", role="editor")


def test_a_confirmed_attendee_is_checked_in_by_code_once(
    db: Database, now: datetime, notifier: Notifier, staff: User
) -> None:
    event = make_event(db, now, capacity=3)
    ada = seat(db, now, notifier, event, "ada@example.org", "Ada Lovelace")
    at_door = now + timedelta(days=7)
    result = by_code(db, at_door, staff, event, format_code(ada.checkin_code).lower())
    assert result.outcome == Outcome.checked_in
    assert result.registration is not None
    assert result.registration.name == "Ada Lovelace"
    ada_now = stored(db, ada.id)
    assert (ada_now.status, ada_now.checked_in_at) == (RegistrationStatus.attended, at_door)

    again = by_code(db, at_door + timedelta(minutes=5), staff, event, ada.checkin_code)
    assert again.outcome == Outcome.already
    assert again.registration is not None
    assert again.registration.checked_in_at == at_door
    assert stored(db, ada.id).checked_in_at == at_door  # the first time is kept

    [entry] = [e for e in audit_entries(db) if e.action == "registration.check_in"]
    assert (entry.actor_email, entry.target_type, entry.target_id) == (
        "door@example.org", "registration", str(ada.id),
    )  # fmt: skip
    assert entry.before == {"status": "confirmed", "checked_in_at": None}
    assert entry.after == {"status": "attended", "checked_in_at": at_door.isoformat()}
    with db.read() as session:  # attended keeps the seat: nobody else gets it
        assert seats_left(session=session, event=event, now=at_door) == 2


def test_undo_returns_to_confirmed_and_is_logged(
    db: Database, now: datetime, notifier: Notifier, staff: User
) -> None:
    event = make_event(db, now, capacity=1)
    ada = seat(db, now, notifier, event, "ada@example.org")
    seat(db, now, notifier, event, "bob@example.org")  # on the waitlist: must stay there
    by_id(db, now, staff, event, ada.id, undo=False)  # type: ignore[arg-type]
    result = by_id(db, now, staff, event, ada.id, undo=True)  # type: ignore[arg-type]
    assert result.outcome == Outcome.undone
    ada_now = stored(db, ada.id)
    assert (ada_now.status, ada_now.checked_in_at) == (RegistrationStatus.confirmed, None)
    again = by_id(db, now, staff, event, ada.id, undo=True)  # type: ignore[arg-type]
    assert again.outcome == Outcome.not_checked_in
    actions = [e.action for e in audit_entries(db) if e.target_type == "registration"]
    assert actions == ["registration.check_in", "registration.check_in_undo"]
    with db.read() as session:
        assert seats_left(session=session, event=event, now=now) == 0
    assert [
        r.status
        for r in [stored(db, ada.id), stored(db, ada.id + 1)]  # type: ignore[operator]
    ] == ["confirmed", "waitlisted"]


def test_without_a_seat_nobody_is_admitted(
    db: Database, now: datetime, notifier: Notifier, staff: User
) -> None:
    event = make_event(db, now, capacity=1)
    seat(db, now, notifier, event, "first@example.org")
    waiting = seat(db, now, notifier, event, "waiting@example.org")
    pending, _ = register(db, now, notifier, event.id, "pending@example.org")  # type: ignore[arg-type]
    cancelled = seat(db, now, notifier, event, "gone@example.org")
    with db.write() as session:
        found = session.get(Registration, cancelled.id)
        assert found is not None
        service.cancel_registration(session=session, now=now, registration=found, notifier=notifier)
    for registration, status in [
        (waiting, "waitlisted"), (pending, "pending"), (stored(db, cancelled.id), "cancelled"),
    ]:  # fmt: skip
        result = by_code(db, now, staff, event, registration.checkin_code)
        assert result.outcome == Outcome.not_admitted
        assert result.registration is not None
        assert result.registration.status == status
        assert stored(db, registration.id).status == status
        by_list = by_id(db, now, staff, event, registration.id, undo=False)  # type: ignore[arg-type]
        assert by_list.outcome == Outcome.not_admitted
    assert [e for e in audit_entries(db) if e.target_type == "registration"] == []


def test_a_code_for_another_event_is_not_admitted_here(
    db: Database, now: datetime, notifier: Notifier, staff: User
) -> None:
    here = make_event(db, now, title="Here")
    there = make_event(db, now, title="Over There")
    elsewhere = seat(db, now, notifier, there, "ada@example.org")
    result = by_code(db, now, staff, here, elsewhere.checkin_code)
    assert result.outcome == Outcome.other_event
    assert result.other_event is not None
    assert result.other_event.title == "Over There"
    assert stored(db, elsewhere.id).status == "confirmed"
    # Nor by id: a registration of another event is not found at this one.
    assert by_id(db, now, staff, here, elsewhere.id, undo=False).outcome == Outcome.unknown  # type: ignore[arg-type]
    assert by_id(db, now, staff, here, elsewhere.id, undo=True).outcome == Outcome.unknown  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("code", "outcome"),
    [("ABCD-EFGH", Outcome.unknown), ("", Outcome.invalid), ("hello", Outcome.invalid)],
)
def test_unknown_and_malformed_codes(
    code: str, outcome: Outcome, db: Database, now: datetime, staff: User
) -> None:
    event = make_event(db, now)
    assert by_code(db, now, staff, event, code).outcome == outcome


def test_an_event_gone_before_the_change_is_said_so(
    db: Database, now: datetime, staff: User
) -> None:
    with pytest.raises(checkin.EventGone):
        by_code(db, now, staff, Event(id=99_999), "ABCD-EFGH")  # type: ignore[call-arg]


# --- The door's list ------------------------------------------------------------------------


def test_the_list_counts_and_shows_seated_attendees_in_name_order(
    db: Database, now: datetime, notifier: Notifier, staff: User
) -> None:
    event = make_event(db, now, slug="talk", capacity=3)
    other = make_event(db, now)
    zoe = seat(db, now, notifier, event, "zoe@example.org", "zoë Zed")
    seat(db, now, notifier, event, "al@example.org", "Al Able")
    seat(db, now, notifier, event, "mo@example.org", "Mo Middle")
    seat(db, now, notifier, event, "wait@example.org", "Wai Ting")  # waitlisted
    seat(db, now, notifier, other, "else@example.org", "Elsewhere")
    register(db, now, notifier, event.id, "pend@example.org", name="Pen Ding")  # type: ignore[arg-type]
    by_id(db, now, staff, event, zoe.id, undo=False)  # type: ignore[arg-type]
    with db.read() as session:
        door = load_door_list(session=session, slug="talk")
    assert door is not None
    assert (door.attended, door.expected, door.more) == (1, 3, False)
    assert [r.name for r in door.registrations] == ["Al Able", "Mo Middle", "zoë Zed"]
    with db.read() as session:
        assert load_door_list(session=session, slug="no-such-event") is None


@pytest.mark.parametrize(
    ("search", "names"),
    [
        ("ada", ["Ada Lovelace"]),
        ("LOVE", ["Ada Lovelace"]),
        ("grace@", ["Grace Hopper"]),
        ("example.org", ["Ada Lovelace", "Grace Hopper", "Percent 100%"]),
        ("100%", ["Percent 100%"]),  # a literal %, not a wildcard
        ("_", []),  # a literal _, not "any one character"
        ("nobody", []),
    ],
)
def test_searching_by_name_or_email(
    search: str, names: list[str], db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now, slug="talk")
    seat(db, now, notifier, event, "ada@example.org", "Ada Lovelace")
    seat(db, now, notifier, event, "grace@example.org", "Grace Hopper")
    seat(db, now, notifier, event, "pc@example.org", "Percent 100%")
    with db.read() as session:
        door = load_door_list(session=session, slug="talk", search=search)
    assert door is not None
    assert [r.name for r in door.registrations] == names
    assert door.expected == 3  # the counts are the event's, whatever the search


def test_searching_by_code(db: Database, now: datetime, notifier: Notifier) -> None:
    event = make_event(db, now, slug="talk")
    ada = seat(db, now, notifier, event, "ada@example.org", "Ada Lovelace")
    seat(db, now, notifier, event, "grace@example.org", "Grace Hopper")
    with db.read() as session:
        door = load_door_list(
            session=session, slug="talk", search=format_code(ada.checkin_code).lower()
        )
    assert door is not None
    assert [r.name for r in door.registrations] == ["Ada Lovelace"]


def test_a_long_list_is_cut_and_says_so_in_a_fixed_number_of_queries(
    db: Database, now: datetime, notifier: Notifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(door_list, "LIST_LIMIT", 4)  # the rule, without a hundred sign-ups
    event = make_event(db, now, slug="talk")
    seat(db, now, notifier, event, "first@example.org", "First")
    with db.read() as session, count_queries(db.engine) as few:
        load_door_list(session=session, slug="talk")
    for number in range(5):
        seat(db, now, notifier, event, f"p{number}@example.org", f"Person {number}")
    with db.read() as session, count_queries(db.engine) as many:
        door = load_door_list(session=session, slug="talk")
    assert door is not None
    assert [r.name for r in door.registrations] == ["First", "Person 0", "Person 1", "Person 2"]
    assert door.more
    assert door.expected == 6
    assert len(few) == len(many) == 3
