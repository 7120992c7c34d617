"""What the back office's dashboard shows: the upcoming live events with their seats (taken,
held while awaiting confirmation, left, waitlisted: read by the public page's own function,
registration.seat_state.read_seat_states, so the two never disagree) and each one's
registrations per day in its own timezone; and how many registrations came in on each of the
last 30 days in the site's. A fixed number of queries, whatever the number of events,
registrations or days."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlmodel import Session, col

from events_app.events.queries import is_live, is_upcoming
from events_app.models import Event, EventStatus, Registration
from events_app.registration.seat_state import SeatState, read_seat_states
from events_app.timezones import day_start

UPCOMING_LIMIT = 20
CHART_DAYS = 30
EVENT_DAYS = 14  # each event's own small chart


@dataclass(frozen=True)
class DayCount:
    day: date  # in the site's timezone (the dashboard's chart) or the event's (its own)
    count: int


@dataclass(frozen=True)
class EventFill:
    slug: str
    title: str
    starts_at: datetime
    timezone: str  # the event's own: its times and days are shown there
    status: EventStatus
    capacity: int | None  # None: no limit
    seats: SeatState
    days: list[DayCount] = field(default_factory=list)  # registrations per day, its zone

    @property
    def seated(self) -> int:
        """Confirmed and attended."""
        return self.seats.seated

    @property
    def held(self) -> int:
        """Held for registrations awaiting their email confirmation (limited events only, as
        on the public page: without a limit nobody waits for a seat)."""
        return self.seats.held

    @property
    def waitlisted(self) -> int:
        return self.seats.waitlisted

    @property
    def left(self) -> int | None:
        return self.seats.left

    @property
    def percent(self) -> int | None:
        """How full, 0 to 100, held seats included (they are not free: the public page says
        so); None without a limit. A capacity of 0 is full."""
        if self.capacity is None or self.left is None:
            return None
        if self.capacity <= 0:
            return 100
        return min(100, round(100 * (self.capacity - self.left) / self.capacity))

    @property
    def seated_percent(self) -> int:
        """The confirmed part of the fill bar (the rest of `percent` is held)."""
        if not self.capacity:
            return 0
        return min(self.percent or 0, round(100 * self.seated / self.capacity))


def upcoming_fill(
    *, session: Session, now: datetime, limit: int = UPCOMING_LIMIT, days: int = EVENT_DAYS
) -> list[EventFill]:
    """The next `limit` live events that have not ended, soonest first, with their seats and
    their registrations on each of the last `days` days in the event's own zone."""
    rows = session.execute(
        select(
            col(Event.id),
            col(Event.slug),
            col(Event.title),
            col(Event.starts_at),
            col(Event.timezone),
            col(Event.status),
            col(Event.capacity),
        )
        .where(is_live(now), is_upcoming(now))
        .order_by(col(Event.starts_at), col(Event.id))
        .limit(limit)
    ).all()
    ids = [row[0] for row in rows]
    states = read_seat_states(session=session, now=now, event_ids=ids)
    zones = {row[0]: ZoneInfo(row[4]) for row in rows}
    per_day = _days_by_event(session, now, zones, days)
    return [
        EventFill(
            slug,
            title,
            starts_at,
            timezone,
            status,
            capacity,
            states.get(event_id, SeatState(capacity, capacity, 0)),
            per_day[event_id],
        )
        for event_id, slug, title, starts_at, timezone, status, capacity in rows
    ]


def _days_by_event(
    session: Session, now: datetime, zones: dict[int, ZoneInfo], days: int
) -> dict[int, list[DayCount]]:
    """Registrations (any status) created on each of the last `days` days, per event, each in
    its own zone. One query for every event: the period's registration moments, sorted into
    days here (a dashboard's twenty events get at most a few thousand rows)."""
    firsts = {
        key: now.astimezone(tz).date() - timedelta(days=days - 1) for key, tz in zones.items()
    }
    since = min((day_start(firsts[key], tz) for key, tz in zones.items()), default=now)
    counted: Counter[tuple[int, date]] = Counter()
    if zones:
        found = session.execute(
            select(col(Registration.event_id), col(Registration.created_at)).where(
                col(Registration.event_id).in_(list(zones)),
                col(Registration.created_at) >= since,
                col(Registration.created_at) <= now,
            )
        )
        for event_id, created in found:
            moment = created if created.tzinfo else created.replace(tzinfo=UTC)
            counted[event_id, moment.astimezone(zones[event_id]).date()] += 1
    return {
        key: [
            DayCount(day, counted[key, day])
            for day in (firsts[key] + timedelta(days=number) for number in range(days))
        ]
        for key in zones
    }


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
