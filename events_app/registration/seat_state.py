"""What an event's page says about its seats, read in one statement, for the page and for the
page cache's check alike.

The event page and the API declare that they depend on `seats_key(event_id)` with the value
they showed (`SeatState.token`); the page cache re-reads the current value of the keys it
holds pages for at most every EVENTS_PAGE_CACHE_CHECK_SECONDS (`read_seat_dependencies`), and
drops a page whose value moved. Both sides go through `read_seat_states`, so a page and the
check can never disagree about what "the same seats" means. Counting follows seats.py: a seat
is taken by a confirmed or attended registration, or held by a pending one until its hold
lapses (so a lapsing hold changes the value without any write); a party counts its guests.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import BindParameter
from sqlmodel import Session, col

from events_app.content import mark_dependency_changed
from events_app.models import Event, Registration, RegistrationStatus
from events_app.registration.seats import SEATED, holding, seats, taking_a_seat

SEATS = "seats"  # the dependency kinds the page cache is given readers for (app.py)
SEAT_BANDS = "seat-band"
# "Few seats left": five or fewer, and no more than a quarter of the seats, so a small event
# that is nearly empty is not "few".
FEW_SEATS = 5


@dataclass(frozen=True)
class SeatState:
    capacity: int | None  # None: no limit
    left: int | None  # None: no limit
    held: int  # of the seats not left, how many are only held for unconfirmed registrations
    # What the back office's dashboard adds, read by the same statement so that its numbers
    # and the public page's never disagree; not part of what the page shows (its token).
    seated: int = field(default=0, compare=False)  # confirmed or attended
    waitlisted: int = field(default=0, compare=False)

    @property
    def token(self) -> str:
        """What a page declares it showed: equal tokens, equal seat lines on the page."""
        return f"{self.capacity}/{self.left}/{self.held}"


def seats_key(event_id: int) -> str:
    return f"{SEATS}:{event_id}"


def seat_band_key(event_id: int) -> str:
    return f"{SEAT_BANDS}:{event_id}"


def seat_band(left: int | None, capacity: int | None) -> str:
    """What a listing says about an event's seats: "full", "few", or "" (plenty, or no
    limit). The event page colours its seats by the same rule."""
    if left is None or capacity is None:
        return ""
    if left <= 0:
        return "full"
    return "few" if left <= min(FEW_SEATS, capacity // 4) else ""


def seat_band_token(left: int | None, capacity: int | None) -> str:
    """What a listing's card declares it showed: the band, and the count when it is few (the
    card says "3 seats left"). It moves far less often than the seats themselves, so a burst
    of registrations re-renders listings only as an event fills up."""
    band = seat_band(left, capacity)
    return f"few-{left}" if band == "few" else band or "plenty"


def _seat_counts() -> Select[int | None, int | None, int, int, int, int]:
    now: BindParameter[datetime] = bindparam("now")
    held = holding(now)
    taken = taking_a_seat(now)
    return (
        select(
            col(Event.id),
            col(Event.capacity),
            seats(taken),
            seats(held),
            seats(col(Registration.status).in_(SEATED)),
            seats(col(Registration.status) == RegistrationStatus.waitlisted),
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
    for event_id, capacity, taken, held, seated, waitlisted in rows:
        others = {"seated": int(seated), "waitlisted": int(waitlisted)}
        if capacity is None:
            states[event_id] = SeatState(None, None, 0, **others)
        else:
            left = max(0, capacity - int(taken))
            states[event_id] = SeatState(capacity, left, int(held), **others)
    return states


def read_seat_state(*, session: Session, now: datetime, event_id: int) -> SeatState:
    return read_seat_states(session=session, now=now, event_ids=[event_id]).get(
        event_id, SeatState(None, None, 0)
    )


def _states_by_key(session: Session, now: datetime, keys: Collection[str]) -> dict[str, SeatState]:
    """Seats for `<kind>:<event id>` keys, by key; a key whose event is gone is left out."""
    ids = {int(key.partition(":")[2]): key for key in keys}
    states = read_seat_states(session=session, now=now, event_ids=ids)
    return {ids[event_id]: state for event_id, state in states.items()}


def read_seat_dependencies(
    *, session: Session, now: datetime, keys: Collection[str]
) -> dict[str, str]:
    """The page cache's reader for `seats:<event id>` keys: each key's current token. A key
    whose event is gone gets no token, so its pages are dropped."""
    return {key: state.token for key, state in _states_by_key(session, now, keys).items()}


def read_seat_band_dependencies(
    *, session: Session, now: datetime, keys: Collection[str]
) -> dict[str, str]:
    """The page cache's reader for `seat-band:<event id>` keys (listings' cards)."""
    states = _states_by_key(session, now, keys)
    return {key: seat_band_token(s.left, s.capacity) for key, s in states.items()}


def mark_seats_changed(*, session: Session, event_id: int | None) -> None:
    """Call inside every write transaction that may change an event's seats: pages showing
    them are dropped here after the commit, and in other processes at their next check."""
    assert event_id is not None
    mark_dependency_changed(session=session, key=seats_key(event_id))
