"""The dashboard: upcoming events and how full they are, registrations per day in the site's
timezone (zero days included, DST days right), its chart drawn as SVG on the server, and a
fixed number of queries whatever the data."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update
from sqlmodel import col
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from events_app.admin.chart import HEIGHT, bar_chart, nice_top
from events_app.admin.dashboard import (
    CHART_DAYS,
    DayCount,
    EventFill,
    registrations_per_day,
    upcoming_fill,
)
from events_app.db import Database
from events_app.models import Registration, RegistrationStatus
from events_app.registration.notify import Notifier
from events_app.registration.seat_state import SeatState
from tests.admin.web_helpers import sign_in
from tests.factories import make_event, make_user
from tests.query_counter import count_queries
from tests.registration.helpers import confirm, register

BERLIN = ZoneInfo("Europe/Berlin")


def sign_up(
    db: Database, notifier: Notifier, event_id: int, when: datetime, email: str, *, seat: bool
) -> Registration:
    registration, token = register(db, when, notifier, event_id, email)
    return confirm(db, when, notifier, token) if seat else registration


# --- Upcoming events -------------------------------------------------------------------------


def test_upcoming_live_events_with_their_seats_taken(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    later = make_event(db, now, slug="later", capacity=4, starts_at=now + timedelta(days=9))
    sooner = make_event(db, now, slug="sooner", capacity=None, starts_at=now + timedelta(days=2))
    make_event(db, now, slug="draft", status="draft")
    make_event(db, now, slug="not-yet-live", publish_at=now + timedelta(days=1))
    make_event(db, now - timedelta(days=9), slug="over", starts_at=now - timedelta(days=2))
    make_event(  # started an hour ago, not over: still upcoming
        db, now - timedelta(days=1), slug="running", starts_at=now - timedelta(hours=1)
    )
    for number in range(3):
        sign_up(db, notifier, later.id, now, f"p{number}@example.org", seat=True)  # type: ignore[arg-type]
    sign_up(db, notifier, later.id, now, "pending@example.org", seat=False)  # type: ignore[arg-type]
    sign_up(db, notifier, sooner.id, now, "s@example.org", seat=True)  # type: ignore[arg-type]
    with db.write() as session:  # attended counts: the seat was theirs
        session.execute(
            update(Registration)
            .where(col(Registration.email) == "p0@example.org")
            .values(status=RegistrationStatus.attended)
        )
    with db.read() as session:
        fills = upcoming_fill(session=session, now=now)
    assert [(f.slug, f.seated, f.held, f.capacity, f.percent) for f in fills] == [
        ("running", 0, 0, None, None),
        ("sooner", 1, 0, None, None),
        ("later", 3, 1, 4, 100),  # the pending registration holds the last seat
    ]


@pytest.mark.parametrize(
    ("seated", "held", "capacity", "percent", "seated_percent"),
    [
        (0, 0, 10, 0, 0),
        (1, 0, 3, 33, 33),
        (2, 0, 3, 67, 67),
        (5, 0, 5, 100, 100),
        (6, 0, 5, 100, 100),
        (0, 0, 0, 100, 0),
        (4, 0, None, None, 0),
        (2, 1, 4, 75, 50),  # a held seat fills the bar too, in its own colour
    ],
)
def test_how_full(
    seated: int,
    held: int,
    capacity: int | None,
    percent: int | None,
    seated_percent: int,
    now: datetime,
) -> None:
    left = None if capacity is None else max(0, capacity - seated - held)
    seats = SeatState(capacity, left, held, seated=seated)
    fill = EventFill("x", "X", now, "UTC", "published", capacity, seats)  # type: ignore[arg-type]
    assert (fill.percent, fill.seated_percent) == (percent, seated_percent)


def test_the_list_stops_at_its_limit(db: Database, now: datetime) -> None:
    for number in range(4):
        make_event(db, now, slug=f"e{number}", starts_at=now + timedelta(days=number + 1))
    with db.read() as session:
        fills = upcoming_fill(session=session, now=now, limit=3)
    assert [fill.slug for fill in fills] == ["e0", "e1", "e2"]


# --- Registrations per day -------------------------------------------------------------------


def test_every_day_of_the_last_30_is_there_zeros_included(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now - timedelta(days=40), starts_at=now + timedelta(days=5))
    moments = {
        "today": now - timedelta(hours=8),  # 01:00 UTC today
        "yesterday": now - timedelta(days=1),
        "yesterday-too": now - timedelta(days=1, hours=2),
        "first-day": now - timedelta(days=29, hours=9),  # 00:00 on the first day shown
        "too-old": now - timedelta(days=29, hours=9, seconds=1),  # the day before
    }
    for name, moment in moments.items():
        sign_up(db, notifier, event.id, moment, f"{name}@example.org", seat=name != "today")  # type: ignore[arg-type]
    with db.read() as session:
        days = registrations_per_day(session=session, now=now, tz=ZoneInfo("UTC"))
    assert len(days) == CHART_DAYS
    assert days[0].day == date(2026, 11, 2)
    assert days[-1].day == date(2026, 12, 1)
    counts = {day.day: day.count for day in days if day.count}
    assert counts == {date(2026, 11, 2): 1, date(2026, 11, 30): 2, date(2026, 12, 1): 1}


def test_days_are_the_sites_with_their_dst_change(db: Database, notifier: Notifier) -> None:
    # Berlin leaves summer time on 25 October 2026: that day has 25 hours.
    now = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
    event = make_event(db, now - timedelta(days=60), starts_at=now + timedelta(days=5))
    moments = [
        datetime(2026, 10, 24, 22, 30, tzinfo=UTC),  # 25 Oct, 00:30 in Berlin (summer time)
        datetime(2026, 10, 25, 22, 59, tzinfo=UTC),  # 25 Oct, 23:59 in Berlin (winter time)
        datetime(2026, 10, 25, 23, 0, tzinfo=UTC),  # 26 Oct, 00:00 in Berlin
        datetime(2026, 11, 9, 23, 30, tzinfo=UTC),  # 10 Nov (today), 00:30 in Berlin
    ]
    for number, moment in enumerate(moments):
        sign_up(db, notifier, event.id, moment, f"p{number}@example.org", seat=True)  # type: ignore[arg-type]
    with db.read() as session:
        days = registrations_per_day(session=session, now=now, tz=BERLIN)
    counts = {day.day: day.count for day in days if day.count}
    assert counts == {date(2026, 10, 25): 2, date(2026, 10, 26): 1, date(2026, 11, 10): 1}
    assert days[0].day == date(2026, 10, 12)


def test_the_dashboard_costs_the_same_queries_with_no_data_and_with_lots(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    def queries() -> int:
        with db.read() as session, count_queries(db.engine) as statements:
            upcoming_fill(session=session, now=now)
            registrations_per_day(session=session, now=now, tz=BERLIN)
        return len(statements)

    make_event(db, now, starts_at=now + timedelta(days=5))
    few = queries()
    for number in range(6):
        event = make_event(
            db, now - timedelta(days=30), capacity=number or None, starts_at=now + timedelta(days=5)
        )
        for day in range(number * 2):
            moment = now - timedelta(days=day * 3)
            sign_up(db, notifier, event.id, moment, f"p{day}@example.org", seat=day % 2 == 0)  # type: ignore[arg-type]
    # The events, their seats, their days; the site's days.
    assert queries() == few == 4


# --- The chart's geometry --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "top"), [(0, 1), (1, 1), (2, 2), (3, 5), (5, 5), (6, 10), (11, 20), (51, 100)]
)
def test_the_scale_ends_on_a_round_number(value: int, top: int) -> None:
    assert nice_top(value) == top


def test_bars_are_as_tall_as_their_share_of_the_scale() -> None:
    first = date(2026, 11, 2)
    counts = [0, 1, 4, 0, 2]
    chart = bar_chart([DayCount(first + timedelta(days=i), c) for i, c in enumerate(counts)])
    assert chart.top == 5
    assert chart.total == 7
    assert chart.busiest == DayCount(date(2026, 11, 4), 4)
    assert [bar.height for bar in chart.bars] == [0, HEIGHT / 5, HEIGHT * 4 / 5, 0, HEIGHT * 2 / 5]
    assert all(bar.y + bar.height == HEIGHT for bar in chart.bars)  # standing on the baseline
    assert [bar.slot_x for bar in chart.bars] == [0, 120, 240, 360, 480]
    assert all(0 < bar.width < bar.slot_width for bar in chart.bars)
    empty = bar_chart([DayCount(first, 0)])
    assert (empty.busiest, empty.top, empty.total) == (None, 1, 0)


# --- The page --------------------------------------------------------------------------------


def test_the_page_shows_events_and_the_chart_as_accessible_svg(
    client: TestClient, db: Database, now: datetime, notifier: Notifier
) -> None:
    sign_in(client, make_user(db, now, role="editor"))
    event = make_event(
        db, now - timedelta(days=10), slug="talk", title="The Talk", capacity=8,
        starts_at=now + timedelta(days=3),
    )  # fmt: skip
    make_event(db, now, slug="open", title="Open Day", capacity=None)
    for number in range(3):
        sign_up(
            db,
            notifier,
            event.id,
            now - timedelta(days=number),
            f"p{number}@example.org",
            seat=True,
        )  # type: ignore[arg-type]
    sign_up(db, notifier, event.id, now, "extra@example.org", seat=True)  # type: ignore[arg-type]
    response = client.get("/admin")
    assert response.status_code == 200
    page = response.text
    assert "4 of 8 seats taken (50%)" in page
    assert '<rect class="fill-seated" x="0" y="0" width="50" height="6"/>' in page
    assert "0 seats taken (no limit)" in page
    assert 'href="/admin/events/talk/checkin">Check-in</a>' in page
    assert 'href="/events/talk"' in page
    assert 'href="/admin/events/talk/registrations"' in page  # the registrations page

    svg = re.search(r"<svg class=\"chart\".*?</svg>", page, re.S)
    assert svg is not None
    chart = svg.group(0)
    assert "style=" not in page  # CSP: classes only
    assert 'role="img"' in chart
    assert (
        'aria-label="Bar chart of registrations per day from Monday 2 November 2026 to '
        'Tuesday 1 December 2026. The busiest day: Tuesday 1 December 2026, with 2."' in chart
    )
    assert chart.count("<title>") == CHART_DAYS
    assert "<title>Tuesday 1 December 2026: 2 registrations</title>" in chart
    assert "<title>Monday 30 November 2026: 1 registration</title>" in chart
    assert "<title>Monday 2 November 2026: 0 registrations</title>" in chart
    assert chart.count('class="chart-bar"') == 3
    assert "4 registrations in the last 30 days" in page
    # The same numbers as a table, for screen readers.
    table = page[page.index('<div class="visually-hidden">') :]
    assert table.count('<th scope="row">') == CHART_DAYS
    assert (
        '<th scope="row"><time datetime="2026-12-01">Tuesday 1 December 2026</time></th>'
        '<td translate="no">2</td>'
    ) in table


def test_an_empty_site_gets_an_empty_dashboard_not_an_error(
    client: TestClient, db: Database, now: datetime
) -> None:
    sign_in(client, make_user(db, now, role="editor"))
    page = client.get("/admin").text
    assert "No upcoming live event." in page
    assert "0 registrations in the last 30 days" in page
    assert 'class="chart-bar"' not in page
    assert ": none yet." in page


def test_the_registrations_page_is_linked_once_it_exists(
    client: TestClient, db: Database, now: datetime
) -> None:
    async def registrations(_request: Request) -> PlainTextResponse:  # pragma: no cover
        return PlainTextResponse("")

    client.app.router.routes.append(  # type: ignore[attr-defined]
        Route("/admin/events/{slug}/registrations", registrations, name="someone_elses")
    )
    sign_in(client, make_user(db, now, role="editor"))
    make_event(db, now, slug="talk")
    assert 'href="/admin/events/talk/registrations">Registrations</a>' in client.get("/admin").text
    assert (
        'href="/admin/events/talk/registrations">Registrations</a>'
        in client.get("/admin/events/talk/checkin").text
    )
