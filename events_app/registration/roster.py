"""What organisers read about an event's registrations: the counts, the seats left, and the
list (searched, filtered, a page at a time). Read-only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, or_, select
from sqlmodel import Session, col

from events_app.models import Event, Registration, RegistrationStatus
from events_app.pagination import Page, clamp_page
from events_app.registration.seats import seats_left, waitlist

# The counts an organiser sees first, in this order.
COUNTED = (
    RegistrationStatus.confirmed,
    RegistrationStatus.pending,
    RegistrationStatus.awaiting,
    RegistrationStatus.waitlisted,
    RegistrationStatus.cancelled,
    RegistrationStatus.attended,
)
SEARCH_MAX = 200


@dataclass(frozen=True)
class RosterFilters:
    query: str = ""  # a part of the name, email address or organisation, any case
    status: RegistrationStatus | None = None


@dataclass(frozen=True)
class RosterSummary:
    counts: dict[str, int]  # every status, zero included
    seats_left: int | None  # None: no capacity limit

    @property
    def seated(self) -> int:
        return self.counts[RegistrationStatus.confirmed] + self.counts[RegistrationStatus.attended]


def _like_pattern(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _conditions(event_id: int, filters: RosterFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [col(Registration.event_id) == event_id]
    if filters.status is not None:
        conditions.append(col(Registration.status) == filters.status)
    text = filters.query.strip()[:SEARCH_MAX]
    if text:
        pattern = _like_pattern(text)
        conditions.append(
            or_(
                *(
                    func.lower(column).like(pattern, escape="\\")
                    for column in (
                        col(Registration.name),
                        col(Registration.email_key),
                        col(Registration.organisation),
                    )
                )
            )
        )
    return conditions


def roster_summary(*, session: Session, event: Event, now: datetime) -> RosterSummary:
    assert event.id is not None
    rows = session.execute(
        select(col(Registration.status), func.count())
        .where(col(Registration.event_id) == event.id)
        .group_by(col(Registration.status))
    ).all()
    counts = {str(status): 0 for status in RegistrationStatus}
    counts.update({str(status): int(number) for status, number in rows})
    return RosterSummary(
        counts=counts, seats_left=seats_left(session=session, event=event, now=now)
    )


def list_registrations(
    *, session: Session, event_id: int, filters: RosterFilters, page: int = 1, page_size: int = 50
) -> Page[Registration]:
    """In the order they registered (time, then id)."""
    page = clamp_page(page)
    conditions = _conditions(event_id, filters)
    total = session.scalar(select(func.count()).select_from(Registration).where(*conditions))
    items = session.scalars(
        select(Registration)
        .where(*conditions)
        .order_by(col(Registration.created_at), col(Registration.id))
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    return Page(items=list(items), number=page, size=page_size, total=int(total or 0))


def all_registrations(
    *, session: Session, event_id: int, filters: RosterFilters
) -> Sequence[Registration]:
    """Every registration the filters select, in the list's order (for the CSV export)."""
    return session.scalars(
        select(Registration)
        .where(*_conditions(event_id, filters))
        .order_by(col(Registration.created_at), col(Registration.id))
    ).all()


def waitlist_positions(*, session: Session, event_id: int) -> dict[int, int]:
    """Registration id -> place in line, for every waitlisted registration of the event."""
    return {
        registration.id: number
        for number, registration in enumerate(waitlist(session=session, event_id=event_id), 1)
        if registration.id is not None
    }


def find_event_registration(
    *, session: Session, event_id: int, registration_id: int
) -> Registration | None:
    """The registration, if it belongs to that event (an id from another event is not found)."""
    registration = session.get(Registration, registration_id)
    if registration is None or registration.event_id != event_id:
        return None
    return registration
