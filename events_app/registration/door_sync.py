"""The door list a device keeps for checking people in offline, and the batches of check-ins
it sends back when it can (the check-in page's script, static/js/checkin.js).

Every check-in made on a device carries an id the device drew for it (`client_id`), and is
stored under that id with its outcome (CheckinScan): a batch sent again because its answer
was lost is answered as the first time and changes nothing. Two devices checking the same
person in agree as the door's code field does: the registration is attended once, and the
earlier of the two check-ins keeps its time (check_in_code_locked). Each sync also says how
many check-ins the device still holds, so the page shows the organiser which device is
behind. One write transaction per batch, under the event's lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session, col

from events_app.models import CheckinDevice, CheckinScan, Event, Registration, User
from events_app.registration import checkin
from events_app.registration.checkin_codes import normalise_code
from events_app.registration.seats import SEATED

BATCH_LIMIT = 200  # check-ins in one request; a device with more sends several
# How long a device may have been offline: a check-in older than this by the device's own
# clock (or later than the server's) is dated when it arrives instead. A wrong clock on a
# phone must not date a check-in last year, nor tomorrow.
OFFLINE_AT_MOST = timedelta(hours=24)


@dataclass(frozen=True)
class Device:
    key: str
    name: str
    pending: int  # check-ins it still holds beside this batch


@dataclass(frozen=True)
class Scan:
    client_id: str
    code: str
    at: datetime | None  # when the device checked them in, by its clock


@dataclass(frozen=True)
class ScanAnswer:
    client_id: str
    outcome: str  # an Outcome's value
    name: str | None  # the registration's, when the code names one of this event's
    checked_in_at: datetime | None


@dataclass(frozen=True)
class DoorEntry:
    code: str
    name: str
    organisation: str
    checked_in_at: datetime | None  # None: not checked in yet
    guests: int  # coming with them: the party is checked in, and counted, together


def door_entries(*, session: Session, event_id: int) -> list[DoorEntry]:
    """Everyone with a seat at the event, for the device: their code, name, organisation,
    guests and whether they are in. No email address: the door does not need it."""
    rows = session.scalars(
        select(Registration)
        .where(col(Registration.event_id) == event_id, col(Registration.status).in_(SEATED))
        .order_by(col(Registration.id))
    ).all()
    return [
        DoorEntry(r.checkin_code, r.name, r.organisation, r.checked_in_at, r.guests) for r in rows
    ]


def _dated(at: datetime | None, now: datetime) -> datetime:
    if at is None or at > now or at < now - OFFLINE_AT_MOST:
        return now
    return at


def _device(session: Session, now: datetime, event_id: int, device: Device) -> CheckinDevice:
    row = session.scalar(
        select(CheckinDevice).where(
            col(CheckinDevice.event_id) == event_id, col(CheckinDevice.device_key) == device.key
        )
    )
    if row is None:
        row = CheckinDevice(
            event_id=event_id, device_key=device.key, name=device.name,
            first_seen_at=now, last_sync_at=now,
        )  # fmt: skip
        session.add(row)
    row.name = device.name or row.name
    row.last_sync_at = now
    row.pending = max(0, device.pending)
    session.flush()
    return row


def _answer(session: Session, stored: CheckinScan) -> ScanAnswer:
    registration = (
        session.get(Registration, stored.registration_id) if stored.registration_id else None
    )
    mine = registration is not None and registration.event_id == stored.event_id
    return ScanAnswer(
        stored.client_id,
        stored.outcome,
        registration.name if mine and registration else None,
        registration.checked_in_at if mine and registration else None,
    )


def sync_checkins(
    *, session: Session, now: datetime, actor: User, event_id: int, device: Device,
    scans: list[Scan],
) -> list[ScanAnswer]:  # fmt: skip
    """Apply a device's batch, in order; one answer per check-in. Raises checkin.EventGone
    when the event was deleted."""
    # A device with nothing to send still reports in (its last sync): that needs no lock.
    event = checkin.lock_door(session, event_id) if scans else session.get(Event, event_id)
    if event is None:
        raise checkin.EventGone(event_id)
    row = _device(session, now, event_id, device)
    assert row.id is not None
    answers = []
    for scan in scans:
        stored = session.scalar(
            select(CheckinScan).where(
                col(CheckinScan.event_id) == event_id, col(CheckinScan.client_id) == scan.client_id
            )
        )
        if stored is None:
            result = checkin.check_in_code_locked(
                session=session, now=now, actor=actor, event=event, code=scan.code,
                at=_dated(scan.at, now),
            )  # fmt: skip
            registration = result.registration
            stored = CheckinScan(
                event_id=event_id, device_id=row.id, client_id=scan.client_id,
                registration_id=registration.id if registration else None,
                code=normalise_code(scan.code) or "", scanned_at=_dated(scan.at, now),
                received_at=now, outcome=str(result.outcome),
            )  # fmt: skip
            session.add(stored)
            session.flush()
        answers.append(_answer(session, stored))
    return answers


def door_devices(*, session: Session, event_id: int) -> list[CheckinDevice]:
    """The devices that have synced for this event, the longest silent first."""
    return list(
        session.scalars(
            select(CheckinDevice)
            .where(col(CheckinDevice.event_id) == event_id)
            .order_by(col(CheckinDevice.last_sync_at), col(CheckinDevice.id))
        ).all()
    )
