"""Listings, the month view and the event page: which events a visitor may see, and in what
order. Everything here is read-only and takes `session` and `now` from the caller."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.sql import Select
from sqlmodel import Session, col

from events_app.events.queries import is_live, is_upcoming, relation, with_categories
from events_app.models import Article, Category, Event, EventArticle, EventCategory, EventFormat

T = TypeVar("T")
EventQuery = Select[Event]


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


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def _local_day_start(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


def _filtered(query: EventQuery, filters: EventFilters, site_tz: ZoneInfo) -> EventQuery:
    if filters.category:
        query = query.where(
            col(Event.id).in_(
                select(col(EventCategory.event_id))
                .join(Category, col(Category.id) == col(EventCategory.category_id))
                .where(col(Category.slug) == filters.category)
            )
        )
    if filters.format is not None:
        query = query.where(col(Event.format) == filters.format)
    if filters.q:
        needle = filters.q.strip()
        query = query.where(
            or_(
                col(Event.title).icontains(needle, autoescape=True),
                col(Event.summary).icontains(needle, autoescape=True),
                col(Event.description).icontains(needle, autoescape=True),
            )
        )
    if filters.date_from is not None:
        query = query.where(col(Event.ends_at) > _local_day_start(filters.date_from, site_tz))
    if filters.date_to is not None:
        next_day = filters.date_to + timedelta(days=1)
        query = query.where(col(Event.starts_at) < _local_day_start(next_day, site_tz))
    return query


def _paginate(
    session: Session,
    query: EventQuery,
    order: tuple[Any, ...],
    *,
    page: int,
    page_size: int,
) -> Page[Event]:
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = max(1, page)
    rows = session.scalars(
        query.options(with_categories())
        .order_by(*order)
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    return Page(items=list(rows), number=page, size=page_size, total=total)


def list_upcoming_events(
    *,
    session: Session,
    now: datetime,
    filters: EventFilters = EventFilters(),
    page: int = 1,
    page_size: int = 20,
    site_tz: ZoneInfo = ZoneInfo("UTC"),  # noqa: B008 - immutable
) -> Page[Event]:
    query = _filtered(select(Event).where(is_live(now), is_upcoming(now)), filters, site_tz)
    order = (col(Event.starts_at), col(Event.id))
    return _paginate(session, query, order, page=page, page_size=page_size)


def list_past_events(
    *, session: Session, now: datetime, page: int = 1, page_size: int = 20
) -> Page[Event]:
    query = select(Event).where(is_live(now), col(Event.ends_at) <= now)
    order = (col(Event.starts_at).desc(), col(Event.id).desc())
    return _paginate(session, query, order, page=page, page_size=page_size)


def next_events(*, session: Session, now: datetime, limit: int = 6) -> list[Event]:
    return list_upcoming_events(session=session, now=now, page_size=limit).items


def has_upcoming_events(*, session: Session, now: datetime) -> bool:
    found = session.scalar(select(col(Event.id)).where(is_live(now), is_upcoming(now)).limit(1))
    return found is not None


def get_live_event(*, session: Session, slug: str, now: datetime) -> Event | None:
    """The event a visitor may see, with its categories and published related articles;
    None for drafts and for events before their go-live moment, exactly as for a missing one."""
    event = session.scalar(
        select(Event)
        .where(col(Event.slug) == slug, is_live(now))
        .options(with_categories(), selectinload(relation(Event.articles)))
    )
    if event is None:
        return None
    session.expunge(event)
    event.articles = sorted(
        (article for article in event.articles if article.published_at <= now),
        key=lambda article: article.published_at,
        reverse=True,
    )
    return event


@dataclass
class CalendarDay:
    day: date
    in_month: bool
    is_today: bool
    events: list[Event] = field(default_factory=list)


@dataclass
class MonthCalendar:
    year: int
    month: int
    weeks: list[list[CalendarDay]]
    previous: tuple[int, int]
    next: tuple[int, int]

    @property
    def event_count(self) -> int:
        return len({e.id for week in self.weeks for d in week if d.in_month for e in d.events})


def local_days(event: Event, tz: ZoneInfo) -> tuple[date, date]:
    """First and last calendar day an event occupies in `tz` (its end is exclusive)."""
    first = event.starts_at.astimezone(tz).date()
    last = (event.ends_at.astimezone(tz) - timedelta(microseconds=1)).date()
    return first, max(first, last)


def month_calendar(
    *, session: Session, now: datetime, year: int, month: int, site_tz: ZoneInfo
) -> MonthCalendar:
    """A Monday-first month grid. Each event sits on the dates it has in its own timezone,
    the dates its card and page show, on every day it spans; "today" is the site's today."""
    weeks_of_dates = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    grid_start, grid_end = weeks_of_dates[0][0], weeks_of_dates[-1][-1]
    # Local dates differ from UTC ones by at most a day either way: fetch a margin, then place.
    margin = timedelta(days=1)
    events = session.scalars(
        select(Event)
        .where(
            is_live(now),
            col(Event.starts_at) < _local_day_start(grid_end + margin * 2, site_tz),
            col(Event.ends_at) > _local_day_start(grid_start - margin, site_tz),
        )
        .order_by(col(Event.starts_at), col(Event.id))
    ).all()
    today = now.astimezone(site_tz).date()
    days = {
        d: CalendarDay(day=d, in_month=d.month == month, is_today=d == today)
        for week in weeks_of_dates
        for d in week
    }
    for event in events:
        first, last = local_days(event, ZoneInfo(event.timezone))
        current = max(first, grid_start)
        while current <= min(last, grid_end):
            days[current].events.append(event)
            current += timedelta(days=1)
    previous = (year - 1, 12) if month == 1 else (year, month - 1)
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    return MonthCalendar(
        year=year,
        month=month,
        weeks=[[days[d] for d in week] for week in weeks_of_dates],
        previous=previous,
        next=following,
    )


def related_live_events(*, session: Session, article: Article, now: datetime) -> list[Event]:
    return list(
        session.scalars(
            select(Event)
            .join(EventArticle, col(EventArticle.event_id) == col(Event.id))
            .where(col(EventArticle.article_id) == article.id, is_live(now), is_upcoming(now))
            .options(with_categories())
            .order_by(col(Event.starts_at), col(Event.id))
        ).all()
    )
