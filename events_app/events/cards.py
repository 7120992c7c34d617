"""What an event listing shows, as plain data: the columns a card needs and the event's
categories, loaded in two queries for the whole list whatever its length.

Listings run on every uncached page view, so they skip the ORM's object building (a card
needs 11 of an event's 27 columns), fetch categories in the same query, and run on the
session's connection.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import BindParameter, String, and_, bindparam, func, or_, select, type_coerce
from sqlalchemy.sql import Select
from sqlmodel import Session, col

from events_app.models import (
    Category,
    Event,
    EventCategory,
    EventStatus,
    Registration,
    UTCDateTime,
)
from events_app.registration.seat_state import seat_band
from events_app.registration.seats import taking_a_seat


@dataclass(frozen=True, slots=True)
class CategoryRef:
    slug: str
    name: str


@dataclass(frozen=True, slots=True)
class EventCard:
    id: int
    slug: str
    title: str
    summary: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    all_day: bool
    venue: str
    format: str
    status: str
    capacity: int | None  # None: no limit
    seats_taken: int  # confirmed, attended, or held for an unconfirmed registration
    registration_open: bool  # at the moment the listing was read
    image: str  # the cover image's key, or ""
    image_alt: str
    categories: tuple[CategoryRef, ...] = ()
    # The database row the card was made from: equal rows make equal cards, so it is what
    # a rendered card is remembered by (a plain tuple hashes and compares in C).
    row: tuple[Any, ...] = field(default=(), compare=False, repr=False)

    @property
    def seats_left(self) -> int | None:
        return None if self.capacity is None else max(0, self.capacity - self.seats_taken)

    @property
    def seat_band(self) -> str:
        """ "full", "few" or "": what the card says about seats while registration is open."""
        return seat_band(self.seats_left, self.capacity) if self.registration_open else ""


# Category separators: control characters, which names and slugs can never contain.
_FIELD, _ITEM = "\x1f", "\x1e"

# The event's categories as one string per row (group_concat on SQLite, string_agg on
# PostgreSQL), so a listing is a single query whatever its length.
_CATEGORIES = (
    select(func.aggregate_strings(col(Category.slug) + _FIELD + col(Category.name), _ITEM))
    .join(EventCategory, col(EventCategory.category_id) == col(Category.id))
    .where(col(EventCategory.event_id) == col(Event.id))
    .scalar_subquery()
)

# The listing's moment: every query built from card_query() runs with it bound.
NOW: BindParameter[datetime] = bindparam("now", type_=UTCDateTime)

# Seats taken, counted per card (the registration table's event index makes each a lookup).
_SEATS_TAKEN = (
    select(func.count())
    .select_from(Registration)
    .where(col(Registration.event_id) == col(Event.id), taking_a_seat(NOW))
    .scalar_subquery()
)

# Whether registration is open at the listing's moment (registration.service's rule); each
# of these moments is one at which cached pages are rendered again (content.py).
_REGISTRATION_OPEN = and_(
    col(Event.status) == EventStatus.published,
    col(Event.starts_at) > NOW,
    or_(col(Event.registration_opens_at).is_(None), col(Event.registration_opens_at) <= NOW),
    or_(col(Event.registration_closes_at).is_(None), col(Event.registration_closes_at) > NOW),
)

CARD_COLUMNS = (
    col(Event.id),
    col(Event.slug),
    col(Event.title),
    col(Event.summary),
    col(Event.starts_at),
    col(Event.ends_at),
    col(Event.timezone),
    col(Event.all_day),
    col(Event.venue),
    # Plain strings: a card only prints and compares them, and converting two columns per row
    # into enums costs a listing measurably (bench/README.md).
    type_coerce(col(Event.format), String).label("format"),
    type_coerce(col(Event.status), String).label("status"),
    col(Event.capacity),
    _SEATS_TAKEN.label("seats_taken"),
    _REGISTRATION_OPEN.label("registration_open"),
    col(Event.image),
    col(Event.image_alt),
    _CATEGORIES,
)

CardSelect = Select[*tuple[Any, ...]]


def card_query() -> CardSelect:
    """A SELECT of the card columns FROM event, to be narrowed with .where(); run it with
    `now` bound (load_cards does)."""
    return select(*CARD_COLUMNS)


@lru_cache(maxsize=4096)
def parse_categories(joined: str | None) -> tuple[CategoryRef, ...]:
    if not joined:
        return ()
    refs = (CategoryRef(*item.split(_FIELD, 1)) for item in joined.split(_ITEM))
    return tuple(sorted(refs, key=lambda ref: (ref.name.lower(), ref.slug)))


def card_from_row(row: Sequence[Any]) -> EventCard:
    values = tuple(row)
    # The row's columns are the card's fields in order (CARD_COLUMNS), categories last.
    make = cast(Callable[..., EventCard], EventCard)
    return make(*values[:-1], parse_categories(values[-1]), values)


def cards_from_rows(rows: Sequence[Sequence[Any]]) -> list[EventCard]:
    return [card_from_row(row) for row in rows]


def load_cards(session: Session, query: CardSelect, *, now: datetime) -> list[EventCard]:
    return cards_from_rows(session.connection().execute(query, {"now": now}).all())
