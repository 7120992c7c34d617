"""The public event pages through HTTP, with the app's lifespan running."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from starlette.testclient import TestClient

from events_app.clock import FrozenClock
from events_app.db import Database
from tests.factories import PLACEHOLDER, make_article, make_event
from tests.support.error_summary import assert_error_summary


def test_empty_site_shows_the_placeholder_everywhere_events_would_be(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    article = make_article(db, clock.now())
    for path in ("/", "/events", f"/articles/{article.slug}"):
        response = client.get(path)
        assert response.status_code == 200
        assert PLACEHOLDER in response.text, path


def test_scheduled_event_goes_live_when_its_moment_passes(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    now = clock.now()
    make_event(db, now, slug="later", title="Scheduled talk", publish_at=now + timedelta(hours=1))
    assert client.get("/events/later").status_code == 404
    assert "Scheduled talk" not in client.get("/events").text
    assert PLACEHOLDER in client.get("/").text

    clock.advance(timedelta(hours=1))

    assert client.get("/events/later").status_code == 200
    assert "Scheduled talk" in client.get("/events").text
    assert PLACEHOLDER not in client.get("/").text


def test_listing_groups_by_month_and_shows_when_where_format_and_categories(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    now = clock.now()
    make_event(
        db,
        now,
        title="December talk",
        starts_at=now + timedelta(days=5),
        categories=["Quantum technology"],
        venue="Hall 1",
    )
    make_event(
        db,
        now,
        title="January webinar",
        format="online",
        venue="",
        starts_at=now + timedelta(days=40),
    )
    page = client.get("/events").text
    assert page.index("December 2026") < page.index("December talk")
    assert page.index("December talk") < page.index("January 2027") < page.index("January webinar")
    assert "Hall 1" in page
    assert "Online" in page
    assert "In person" in page
    assert 'href="/categories/quantum-technology"' in page
    assert "Sun 6 Dec 2026, 09:00–11:00 UTC" in page


def test_filters_that_exclude_everything_say_so_and_offer_to_clear(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    make_event(db, clock.now(), title="Something")
    page = client.get("/events", params={"q": "nothing like this"}).text
    assert "No events match these filters." in page
    assert "Clear the filters" in page
    assert PLACEHOLDER not in page


def test_bad_filter_values_get_a_message_not_an_error(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    make_event(db, clock.now(), title="Still listed")
    response = client.get(
        "/events",
        params={
            "from": "yesterday",
            "to": "2026-13-45",
            "format": "<script>",
            "page": "x",
            "category": "\x00",
        },
    )
    assert response.status_code == 200
    assert "Enter a date as YYYY-MM-DD." in response.text
    assert "Choose one of the listed formats." in response.text
    assert "Still listed" in response.text
    assert "<script>" not in response.text
    assert_error_summary(response.text, ["f-format", "f-from", "f-to"])


def test_filter_form_keeps_what_the_visitor_typed(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    make_event(db, clock.now(), title="Open data", format="hybrid")
    page = client.get("/events", params={"q": "open", "format": "hybrid"}).text
    assert 'value="open"' in page
    assert '<option value="hybrid" selected>' in page


def test_listing_costs_a_fixed_number_of_queries(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    from tests.query_counter import count_queries

    now = clock.now()

    def queries_for_listing() -> int:
        with count_queries(db.engine) as statements:
            assert client.get("/events?page=1").status_code == 200
        return len(statements)

    make_event(db, now, categories=["A", "B"])
    few = queries_for_listing()
    for _ in range(15):
        make_event(db, now, categories=["A", "C"])
    assert queries_for_listing() == few


def test_past_events_page(client: TestClient, db: Database, clock: FrozenClock) -> None:
    now = clock.now()
    make_event(db, now, title="Last month", starts_at=now - timedelta(days=30))
    make_event(db, now, title="Next week", starts_at=now + timedelta(days=7))
    page = client.get("/events/past").text
    assert "Last month" in page
    assert "Next week" not in page


def test_calendar_redirects_to_this_month_and_shows_a_real_table(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    now = clock.now()
    make_event(db, now, slug="grid-talk", title="Grid talk", starts_at=now + timedelta(days=2))
    response = client.get("/events/calendar", follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == "/events/calendar/2026/12"
    page = client.get("/events/calendar/2026/12").text
    assert "<table" in page
    assert "<caption id=" in page
    assert '<th scope="col">' in page
    assert 'href="/events/grid-talk"' in page
    assert 'href="/events?from=2026-12-03&amp;to=2026-12-03"' in page
    assert 'href="/events/calendar/2026/11"' in page
    assert 'href="/events/calendar/2027/1"' in page
    assert client.get("/events/calendar/2026/13").status_code == 404


def test_event_page_shows_everything_a_visitor_needs(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    now = clock.now()
    make_article(db, now, slug="background", title="The background story")
    make_event(
        db,
        now,
        slug="forum",
        title="Open Forum",
        organizer="Science Desk",
        capacity=12,
        starts_at=datetime(2026, 12, 8, 14, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
        ends_at=datetime(2026, 12, 8, 15, 30, tzinfo=ZoneInfo("Asia/Shanghai")),
        timezone="Asia/Shanghai",
        venue="Hall B",
        address="Haidian, Beijing",
        categories=["Open science"],
        articles=["background"],
        description="## Agenda\n\n<script>alert(1)</script>\n\n[link](javascript:alert(1))",
    )
    response = client.get("/events/forum")
    page = response.text
    assert response.status_code == 200
    assert "<h1>Open Forum</h1>" in page
    assert "Tue 8 Dec 2026, 14:00–15:30 UTC+8" in page
    assert "CST" not in page  # US readers take it for their Central time
    assert "Hall B" in page
    assert "Haidian, Beijing" in page
    assert "Science Desk" in page
    assert "12 seats left" in page
    assert 'href="/articles/background"' in page
    assert "The background story" in page
    assert "<h2>Agenda</h2>" in page
    assert "<script>alert" not in page
    assert 'href="javascript:' not in page
    assert '<link rel="canonical" href="https://events.example.org/events/forum">' in page


def test_cancelled_and_postponed_events_say_so_at_the_top(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    now = clock.now()
    make_event(db, now, slug="off", status="cancelled", status_reason="The speaker is ill.")
    make_event(db, now, slug="moved", status="postponed")
    page = client.get("/events/off").text
    assert page.index("This event has been cancelled.") < page.index("<h1>")
    assert "The speaker is ill." in page
    assert "This event has been postponed." in client.get("/events/moved").text


def test_drafts_and_scheduled_events_are_indistinguishable_from_missing_ones(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    now = clock.now()
    make_event(db, now, slug="secret-draft", title="Secret draft", status="draft")
    make_event(db, now, slug="secret-later", publish_at=now + timedelta(days=1))
    missing = client.get("/events/never-existed")
    for slug in ("secret-draft", "secret-later"):
        response = client.get(f"/events/{slug}")
        assert response.status_code == 404
        assert response.text == missing.text.replace("never-existed", slug)
    assert "Secret draft" not in client.get("/events/calendar/2026/12").text
