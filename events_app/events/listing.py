"""The upcoming and past listings with their filters: the queries behind /events.

A listing runs on every uncached page view, so each combination of filters gets its SELECT
built once, with bind parameters for the values; a request only binds them. SQLAlchemy then
reuses the compiled SQL instead of rebuilding and re-hashing the statement every time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, select
from sqlmodel import Session, col

from events_app.events.cards import NOW, CardSelect, EventCard, card_query, cards_from_rows
from events_app.events.queries import is_live
from events_app.events.search import matches, search_mode
from events_app.events.search import parameters as search_parameters
from events_app.models import Category, Event, EventCategory, EventFormat, UTCDateTime
from events_app.pagination import Page, clamp_page
from events_app.timezones import day_start


@dataclass(frozen=True)
class EventFilters:
    category: str | None = None
    format: EventFormat | None = None
    q: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    @property
    def active(self) -> bool:
        return any(
            value is not None
            for value in (self.category, self.format, self.q, self.date_from, self.date_to)
        )

    def shape(self) -> tuple[Any, ...]:
        return (
            bool(self.category),
            self.format is not None,
            search_mode(self.q),
            self.date_from is not None,
            self.date_to is not None,
        )


@lru_cache(maxsize=64)
def _statements(shape: tuple[Any, ...], past: bool, dialect: str) -> tuple[CardSelect, Any]:
    """(page query, count query) for one combination of filters on one kind of database,
    with bind parameters."""
    now = NOW  # the card columns' own (they count seats at the same moment)
    query = card_query().where(is_live(now))
    query = query.where(col(Event.ends_at) <= now if past else col(Event.ends_at) > now)
    category, fmt, text, date_from, date_to = shape
    if category:
        query = query.where(
            col(Event.id).in_(
                select(col(EventCategory.event_id))
                .join(Category, col(Category.id) == col(EventCategory.category_id))
                .where(col(Category.slug) == bindparam("category"))
            )
        )
    if fmt:
        query = query.where(col(Event.format) == bindparam("format"))
    found = matches(dialect, text) if text else None
    if found is not None:
        query = query.join(found, found.c.event_id == col(Event.id))
    if date_from:
        query = query.where(col(Event.ends_at) > bindparam("from_", type_=UTCDateTime))
    if date_to:
        query = query.where(col(Event.starts_at) < bindparam("until", type_=UTCDateTime))
    count = select(func.count()).select_from(query.subquery())
    order = (
        (col(Event.starts_at).desc(), col(Event.id).desc())
        if past
        else (col(Event.starts_at), col(Event.id))
    )
    # With a search, the best matches first; the usual order among equals.
    if found is not None:
        order = (found.c.rank, *order)
    page = query.order_by(*order).limit(bindparam("limit")).offset(bindparam("offset"))
    return page, count


# Days outside these bounds would overflow a datetime once moved to UTC or to the next day;
# no event can be that far out, so clamping them changes no answer.
_FIRST_DAY, _LAST_DAY = date(2, 1, 1), date(9998, 12, 30)


def _bounded(day: date) -> date:
    return min(max(day, _FIRST_DAY), _LAST_DAY)


def _parameters(filters: EventFilters, now: datetime, site_tz: ZoneInfo) -> dict[str, Any]:
    values: dict[str, Any] = {"now": now}
    if filters.category:
        values["category"] = filters.category
    if filters.format is not None:
        values["format"] = filters.format.value
    if filters.q:
        values |= search_parameters(filters.q)
    if filters.date_from is not None:
        values["from_"] = day_start(_bounded(filters.date_from), site_tz)
    if filters.date_to is not None:
        values["until"] = day_start(_bounded(filters.date_to) + timedelta(days=1), site_tz)
    return values


def _listing(
    session: Session,
    *,
    past: bool,
    filters: EventFilters,
    now: datetime,
    page: int,
    page_size: int,
    site_tz: ZoneInfo,
) -> Page[EventCard]:
    page = clamp_page(page)
    connection = session.connection()
    statement, count = _statements(filters.shape(), past, connection.dialect.name)
    values = _parameters(filters, now, site_tz)
    # One row more than a page says whether another follows; a first page that is not full
    # needs no count query.
    rows = connection.execute(
        statement, {**values, "limit": page_size + 1, "offset": (page - 1) * page_size}
    ).all()
    more, rows = len(rows) > page_size, rows[:page_size]
    total = len(rows) if page == 1 and not more else connection.execute(count, values).scalar()
    return Page(items=cards_from_rows(rows), number=page, size=page_size, total=int(total or 0))


def list_upcoming_events(
    *,
    session: Session,
    now: datetime,
    filters: EventFilters = EventFilters(),
    page: int = 1,
    page_size: int = 20,
    site_tz: ZoneInfo = ZoneInfo("UTC"),  # noqa: B008 - immutable
) -> Page[EventCard]:
    """Live events that have not ended (one in progress is still upcoming), soonest first."""
    return _listing(
        session,
        past=False,
        filters=filters,
        now=now,
        page=page,
        page_size=page_size,
        site_tz=site_tz,
    )


def list_past_events(
    *, session: Session, now: datetime, page: int = 1, page_size: int = 20
) -> Page[EventCard]:
    """Live events that have ended, newest first."""
    return _listing(
        session,
        past=True,
        filters=EventFilters(),
        now=now,
        page=page,
        page_size=page_size,
        site_tz=ZoneInfo("UTC"),
    )


def next_events(*, session: Session, now: datetime, limit: int = 6) -> list[EventCard]:
    """The next `limit` events, the cancelled ones among them shown after the others."""
    items = list_upcoming_events(session=session, now=now, page_size=limit).items
    return sorted(items, key=lambda card: card.status == "cancelled")
