"""What the back office's dashboard shows: the upcoming live events with how full they are,
and how many registrations came in on each of the last 30 days. Two queries, whatever the
number of events, registrations or days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, select
from sqlmodel import Session, col

from events_app.events.queries import is_live, is_upcoming
from events_app.models import Event, EventStatus, Registration
from events_app.registration.seats import SEATED
from events_app.timezones import day_start

UPCOMING_LIMIT = 20
CHART_DAYS = 30


@dataclass(frozen=True)
class EventFill:
    slug: str
    title: str
    starts_at: datetime
    timezone: str  # the event's own: its times are shown there
    status: EventStatus
    capacity: int | None  # None: no limit
    seated: int  # confirmed and attended

    @property
    def percent(self) -> int | None:
        """How full, 0 to 100; None without a limit. A capacity of 0 is full."""
        if self.capacity is None:
            return None
        if self.capacity <= 0:
            return 100
        return min(100, round(100 * self.seated / self.capacity))


@dataclass(frozen=True)
class DayCount:
    day: date  # in the site's timezone
    count: int


def upcoming_fill(
    *, session: Session, now: datetime, limit: int = UPCOMING_LIMIT
) -> list[EventFill]:
    """The next `limit` live events that have not ended, soonest first, with their seats
    taken (one query: the count is grouped by the event's primary key)."""
    seated = and_(col(Registration.event_id) == col(Event.id), col(Registration.status).in_(SEATED))
    rows = session.execute(
        select(
            col(Event.slug),
            col(Event.title),
            col(Event.starts_at),
            col(Event.timezone),
            col(Event.status),
            col(Event.capacity),
            # Seats, not registrations: a party's guests take seats too.
            func.coalesce(func.sum(1 + col(Registration.guests)), 0),
        )
        .select_from(Event)
        .outerjoin(Registration, seated)
        .where(is_live(now), is_upcoming(now))
        .group_by(col(Event.id))
        .order_by(col(Event.starts_at), col(Event.id))
        .limit(limit)
    ).all()
    return [
        EventFill(slug, title, starts_at, timezone, status, capacity, int(seated))
        for slug, title, starts_at, timezone, status, capacity, seated in rows
    ]


def registrations_per_day(
    *, session: Session, now: datetime, tz: ZoneInfo, days: int = CHART_DAYS
) -> list[DayCount]:
    """Registrations created on each of the last `days` days (today included) in `tz`, every
    status counted (a sign-up is a sign-up even if it later lapsed or was cancelled), days
    without any included as zero. The days' boundaries are computed here, DST included, and
    the database sorts each row into its day with one CASE: the same SQL on SQLite and
    PostgreSQL, no time-zone functions of either."""
    today = now.astimezone(tz).date()
    first = today - timedelta(days=days - 1)
    bounds = [day_start(first + timedelta(days=number), tz) for number in range(days + 1)]
    created = col(Registration.created_at)
    bucket = case(
        *((created < bounds[number + 1], number) for number in range(days - 1)),
        else_=days - 1,
    ).label("bucket")
    inner = select(bucket).where(created >= bounds[0], created < bounds[-1]).subquery()
    rows = session.execute(select(inner.c.bucket, func.count()).group_by(inner.c.bucket))
    counted = {int(number): int(count) for number, count in rows}
    return [
        DayCount(first + timedelta(days=number), counted.get(number, 0)) for number in range(days)
    ]
