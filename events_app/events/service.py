"""Listings, the month view and the event page: which events a visitor may see, and in what
order. Everything here is read-only and takes `session` and `now` from the caller."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col

from events_app.events.cards import (
    EventCard,
    card_query,
    load_cards,
)
from events_app.events.queries import (
    cancelled_last,
    is_live,
    is_upcoming,
    relation,
    with_categories,
)
from events_app.models import Article, Event, EventArticle
from events_app.timezones import day_start

T = TypeVar("T")


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
    return None if event is None else _as_shown(session, event, now)


def get_event_for_preview(*, session: Session, event_id: int, now: datetime) -> Event | None:
    """The event a signed preview link names, live or not, loaded as its page shows it (the
    link was checked by the caller: this alone lets no one see a draft)."""
    event = session.scalar(
        select(Event)
        .where(col(Event.id) == event_id)
        .options(with_categories(), selectinload(relation(Event.articles)))
    )
    return None if event is None else _as_shown(session, event, now)


def _as_shown(session: Session, event: Event, now: datetime) -> Event:
    """The event detached, its categories in name order, its published articles newest first."""
    session.expunge(event)
    # Set as loaded values, not as changes: a change would also touch each related row's own
    # side of the link, still in the session, and the next query's autoflush would try to
    # write (or warn that it cannot write) the unpublished articles' removal.
    set_committed_value(
        event, "categories", sorted(event.categories, key=lambda c: (c.name.lower(), c.slug))
    )
    set_committed_value(
        event,
        "articles",
        sorted(
            (article for article in event.articles if article.published_at <= now),
            key=lambda article: article.published_at,
            reverse=True,
        ),
    )
    return event


@dataclass
class CalendarDay:
    day: date
    in_month: bool
    is_today: bool
    events: list[EventCard] = field(default_factory=list)


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


def local_days(event: EventCard, tz: ZoneInfo) -> tuple[date, date]:
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
    events = load_cards(
        session,
        card_query()
        .where(
            is_live(now),
            col(Event.starts_at) < day_start(grid_end + margin * 2, site_tz),
            col(Event.ends_at) > day_start(grid_start - margin, site_tz),
        )
        .order_by(col(Event.starts_at), col(Event.id)),
        now=now,
    )
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


def related_live_events(*, session: Session, article: Article, now: datetime) -> list[EventCard]:
    return load_cards(
        session,
        card_query()
        .join(EventArticle, col(EventArticle.event_id) == col(Event.id))
        .where(col(EventArticle.article_id) == article.id, is_live(now), is_upcoming(now))
        .order_by(cancelled_last(), col(Event.starts_at), col(Event.id)),
        now=now,
    )
