"""What the check-in page shows: the event, how many of its seated attendees have come, and
the seated registrations matching a search (by name, email or check-in code), in name order.
Three queries whatever the numbers; read-only."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, case, func, or_, select
from sqlmodel import Session, col

from events_app.events.editing import find_event
from events_app.models import Event, Registration, RegistrationStatus
from events_app.registration.checkin_codes import normalise_code
from events_app.registration.seats import SEATED

LIST_LIMIT = 100  # a phone's worth of scrolling; a search narrows it down


@dataclass(frozen=True)
class DoorList:
    event: Event
    attended: int  # people, guests included
    expected: int  # everyone with a seat (confirmed, and attended), guests included
    registrations: list[Registration]
    more: bool  # more match than are listed


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _matching(search: str) -> ColumnElement[bool]:
    pattern = _like(search)
    conditions: list[ColumnElement[bool]] = [
        col(Registration.name).ilike(pattern, escape="\\"),
        col(Registration.email).ilike(pattern, escape="\\"),
    ]
    code = normalise_code(search)
    if code is not None:
        conditions.append(col(Registration.checkin_code) == code)
    return or_(*conditions)


def load_door_list(*, session: Session, slug: str, search: str | None = None) -> DoorList | None:
    """None when there is no such event. Any event may be checked in, whatever its status: the
    door is staff's business, and a postponed event's guests may still turn up."""
    event = find_event(session=session, slug=slug)
    if event is None:
        return None
    attended = col(Registration.status) == RegistrationStatus.attended
    party = 1 + col(Registration.guests)  # a party checks in together: its guests count too
    counts = session.execute(
        select(
            func.coalesce(func.sum(case((attended, party), else_=0)), 0),
            func.coalesce(func.sum(party), 0),
        ).where(col(Registration.event_id) == event.id, col(Registration.status).in_(SEATED))
    ).one()
    query = select(Registration).where(
        col(Registration.event_id) == event.id, col(Registration.status).in_(SEATED)
    )
    if search:
        query = query.where(_matching(search))
    rows = list(
        session.scalars(
            query.order_by(func.lower(col(Registration.name)), col(Registration.id)).limit(
                LIST_LIMIT + 1
            )
        ).all()
    )
    return DoorList(
        event=event,
        attended=int(counts[0]),
        expected=int(counts[1]),
        registrations=rows[:LIST_LIMIT],
        more=len(rows) > LIST_LIMIT,
    )
