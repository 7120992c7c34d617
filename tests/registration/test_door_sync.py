"""A device's batch of check-ins against the database: sent twice it counts once, two devices
agree on one check-in and keep the earlier time, a device's clock is not trusted beyond a
day, and the door list a device keeps holds no email address."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from events_app.db import Database
from events_app.models import CheckinDevice, CheckinScan, Event, Registration, User
from events_app.registration import door_sync
from events_app.registration.door_sync import Device, Scan, ScanAnswer
from events_app.registration.notify import Notifier
from tests.factories import make_event, make_user
from tests.registration.helpers import confirm, register
from tests.support.audit import audit_entries


def seat(db: Database, now: datetime, notifier: Notifier, event: Event, name: str) -> Registration:
    email = name.split()[0].lower() + "@example.org"
    _, token = register(db, now, notifier, event.id, email, name=name)  # type: ignore[arg-type]
    return confirm(db, now, notifier, token)


def send(
    db: Database, now: datetime, actor: User, event: Event, device: str, *scans: Scan,
    pending: int = 0,
) -> list[ScanAnswer]:  # fmt: skip
    with db.write() as session:
        return door_sync.sync_checkins(
            session=session, now=now, actor=actor, event_id=event.id,  # type: ignore[arg-type]
            device=Device(device, f"Phone {device[:4]}", pending), scans=list(scans),
        )  # fmt: skip


def reload(db: Database, registration: Registration) -> Registration:
    with db.read() as session:
        found = session.get(Registration, registration.id)
        assert found is not None
        return found


def test_a_batch_sent_twice_counts_once(db: Database, now: datetime, notifier: Notifier) -> None:
    actor = make_user(db, now, role="editor")
    event = make_event(db, now, slug="talk")
    ada = seat(db, now, notifier, event, "Ada Lovelace")
    offline = now - timedelta(minutes=20)
    scan = Scan("scan-0001-aaaa", ada.checkin_code.lower(), offline)
    first = send(db, now, actor, event, "device-aaaa", scan)
    again = send(db, now + timedelta(minutes=1), actor, event, "device-aaaa", scan)
    assert first == again == [ScanAnswer("scan-0001-aaaa", "checked_in", "Ada Lovelace", offline)]
    assert reload(db, ada).status == "attended"
    assert reload(db, ada).checked_in_at == offline  # when it happened at the door
    assert [e.action for e in audit_entries(db)].count("registration.check_in") == 1
    with db.read() as session:
        assert len(session.scalars(select(CheckinScan)).all()) == 1


def test_two_devices_agree_and_the_earlier_check_in_keeps_its_time(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    actor = make_user(db, now, role="editor")
    event = make_event(db, now, slug="talk")
    ada = seat(db, now, notifier, event, "Ada Lovelace")
    earlier, later = now - timedelta(minutes=30), now - timedelta(minutes=5)
    # The device that was offline sends last, but checked Ada in first.
    online = send(
        db, now, actor, event, "device-bbbb", Scan("scan-b-000001", ada.checkin_code, later)
    )
    offline = send(
        db, now, actor, event, "device-aaaa", Scan("scan-a-000001", ada.checkin_code, earlier),
        pending=3,
    )  # fmt: skip
    assert online[0].outcome == "checked_in"
    assert offline[0] == ScanAnswer("scan-a-000001", "already", "Ada Lovelace", earlier)
    assert reload(db, ada).checked_in_at == earlier
    with db.read() as session:
        devices = door_sync.door_devices(session=session, event_id=event.id)  # type: ignore[arg-type]
        assert {(d.device_key, d.pending) for d in devices} == {
            ("device-aaaa", 3), ("device-bbbb", 0)
        }  # fmt: skip
        assert len(session.scalars(select(CheckinDevice)).all()) == 2


def test_a_device_clock_is_trusted_for_a_day_at_most(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    actor = make_user(db, now, role="editor")
    event = make_event(db, now, slug="talk")
    ada = seat(db, now, notifier, event, "Ada Lovelace")
    bob = seat(db, now, notifier, event, "Bob Byte")
    send(
        db, now, actor, event, "device-aaaa",
        Scan("scan-a-000001", ada.checkin_code, now + timedelta(hours=3)),  # the future
        Scan("scan-a-000002", bob.checkin_code, now - timedelta(days=2)),  # long ago
    )  # fmt: skip
    assert reload(db, ada).checked_in_at == now
    assert reload(db, bob).checked_in_at == now


def test_codes_of_another_event_unknown_and_malformed_are_answered_not_admitted(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    actor = make_user(db, now, role="editor")
    event = make_event(db, now, slug="talk")
    other = make_event(db, now, slug="other")
    eve = seat(db, now, notifier, other, "Eve Other")
    answers = send(
        db, now, actor, event, "device-aaaa",
        Scan("scan-a-000001", eve.checkin_code, None),
        Scan("scan-a-000002", "ABCD-EFGH", None),
        Scan("scan-a-000003", "hello", None),
    )  # fmt: skip
    assert [(a.outcome, a.name) for a in answers] == [
        ("other_event", None), ("unknown", None), ("invalid", None)
    ]  # fmt: skip
    assert reload(db, eve).status == "confirmed"


def test_the_door_list_has_the_seated_without_their_email(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now, slug="talk")
    ada = seat(db, now, notifier, event, "Ada Lovelace")
    with db.read() as session:
        entries = door_sync.door_entries(session=session, event_id=event.id)  # type: ignore[arg-type]
    assert [(e.code, e.name, e.checked_in_at) for e in entries] == [
        (ada.checkin_code, "Ada Lovelace", None)
    ]
    assert not hasattr(entries[0], "email")
