"""What an event's page says about its seats, read in one statement, for the page and for the
page cache's check alike.

The event page and the API declare that they depend on `seats_key(event_id)` with the value
they showed (`SeatState.token`); the page cache re-reads the current value of the keys it
holds pages for at most every EVENTS_PAGE_CACHE_CHECK_SECONDS (`read_seat_dependencies`), and
drops a page whose value moved. Both sides go through `read_seat_states`, so a page and the
check can never disagree about what "the same seats" means. Counting follows seats.py: a seat
is taken by a confirmed or attended registration, or held by a pending one until its hold
lapses (so a lapsing hold changes the value without any write).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import BindParameter
from sqlmodel import Session, col

from events_app.content import mark_dependency_changed
from events_app.models import Event, Registration, RegistrationStatus
from events_app.registration.seats import SEATED

SEATS = "seats"  # the dependency kind the page cache is given a reader for (app.py)


@dataclass(frozen=True)
class SeatState:
    capacity: int | None  # None: no limit
    left: int | None  # None: no limit
    held: int  # of the seats not left, how many are only held for unconfirmed registrations

    @property
    def token(self) -> str:
        """What a page declares it showed: equal tokens, equal seat lines on the page."""
        return f"{self.capacity}/{self.left}/{self.held}"


def seats_key(event_id: int) -> str:
    return f"{SEATS}:{event_id}"


def _seat_counts() -> Select[int | None, int | None, int, int]:
    now: BindParameter[datetime] = bindparam("now")
    holding = and_(
        col(Registration.status) == RegistrationStatus.pending,
        col(Registration.holds_seat).is_(True),
        col(Registration.hold_expires_at) > now,
    )
    taken = or_(col(Registration.status).in_(SEATED), holding)
    return (
        select(
            col(Event.id),
            col(Event.capacity),
            func.count(col(Registration.id)).filter(taken),
            func.count(col(Registration.id)).filter(holding),
        )
        .select_from(Event)
        .outerjoin(Registration, col(Registration.event_id) == col(Event.id))
        .where(col(Event.id).in_(bindparam("event_ids", expanding=True)))
        .group_by(col(Event.id), col(Event.capacity))
    )


# Built once: building it took longer than running it (the page cache asks every second).
SEAT_COUNTS = _seat_counts()


def read_seat_states(
    *, session: Session, now: datetime, event_ids: Collection[int]
) -> dict[int, SeatState]:
    """Each listed event's seats at `now`, in one statement; a missing event is left out."""
    if not event_ids:
        return {}
    parameters = {"now": now, "event_ids": list(event_ids)}
    rows = session.execute(SEAT_COUNTS, parameters).all()
    states: dict[int, SeatState] = {}
    for event_id, capacity, taken, holding in rows:
        if capacity is None:
            states[event_id] = SeatState(None, None, 0)
        else:
            states[event_id] = SeatState(capacity, max(0, capacity - int(taken)), int(holding))
    return states


def read_seat_state(*, session: Session, now: datetime, event_id: int) -> SeatState:
    return read_seat_states(session=session, now=now, event_ids=[event_id]).get(
        event_id, SeatState(None, None, 0)
    )


def read_seat_dependencies(
    *, session: Session, now: datetime, keys: Collection[str]
) -> dict[str, str]:
    """The page cache's reader for `seats:<event id>` keys: each key's current token. A key
    whose event is gone gets no token, so its pages are dropped."""
    ids = {int(key.partition(":")[2]): key for key in keys}
    states = read_seat_states(session=session, now=now, event_ids=ids)
    return {ids[event_id]: state.token for event_id, state in states.items()}


def mark_seats_changed(*, session: Session, event_id: int | None) -> None:
    """Call inside every write transaction that may change an event's seats: pages showing
    them are dropped here after the commit, and in other processes at their next check."""
    assert event_id is not None
    mark_dependency_changed(session=session, key=seats_key(event_id))
