"""What the registration pages read: the event page with its registration state and seats, and
the attendee's own page found by the manage token. Read-only; the views render them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from events_app.events.queries import with_categories
from events_app.events.service import get_live_event
from events_app.models import Event, Registration, RegistrationStatus
from events_app.registration.seat_state import SeatState, read_seat_state, seats_key
from events_app.registration.seats import waitlist_position
from events_app.registration.service import find_by_token, registration_state
from events_app.registration.tokens import looks_like_token


@dataclass(frozen=True)
class EventPage:
    event: Event
    state: str  # registration_state(): 'open' or why not
    seats: SeatState
    is_past: bool

    @property
    def seats_left(self) -> int | None:  # None: no capacity limit
        return self.seats.left

    @property
    def seats_held(self) -> int:
        """Of the seats not left, how many are only held (unconfirmed, and back if the hold
        lapses): "full" with held seats tells people the waitlist may well move."""
        return self.seats.held

    @property
    def depends_on(self) -> tuple[str, str]:
        """What a cached copy of a page showing these seats depends on (seat_state.py)."""
        assert self.event.id is not None
        return seats_key(self.event.id), self.seats.token


def load_event_page(*, session: Session, slug: str, now: datetime) -> EventPage | None:
    event = get_live_event(session=session, slug=slug, now=now)
    if event is None:
        return None
    assert event.id is not None
    return EventPage(
        event=event,
        state=registration_state(event, now),
        seats=read_seat_state(session=session, now=now, event_id=event.id),
        is_past=event.ends_at <= now,
    )


@dataclass(frozen=True)
class AttendeePage:
    registration: Registration
    event: Event
    position: int | None  # place on the waitlist


def find_registration(*, session: Session, token: str) -> Registration | None:
    """The registration a manage token belongs to; None for a malformed, unknown or
    superseded token alike (the shape is checked before the database is asked)."""
    if not looks_like_token(token):
        return None
    return find_by_token(session=session, token=token)


def load_attendee_page(*, session: Session, token: str) -> AttendeePage | None:
    registration = find_registration(session=session, token=token)
    if registration is None:
        return None
    # With its categories: the calendar file names them.
    event = session.scalar(
        select(Event).where(col(Event.id) == registration.event_id).options(with_categories())
    )
    assert event is not None  # the foreign key cascades
    return AttendeePage(
        registration=registration,
        event=event,
        position=waitlist_position(session=session, registration=registration),
    )


def seat_on_confirming(*, session: Session, now: datetime, registration: Registration) -> bool:
    """Whether confirming now would give a seat rather than a place on the waitlist, as far as
    a read can tell (the confirmation decides under the event's lock): the registration's own
    live hold, or a free seat. The confirmation page words its one button by it."""
    if (
        registration.status == RegistrationStatus.pending
        and registration.holds_seat
        and registration.hold_expires_at is not None
        and registration.hold_expires_at > now
    ):
        return True
    left = read_seat_state(session=session, now=now, event_id=registration.event_id).left
    return left is None or left > 0
