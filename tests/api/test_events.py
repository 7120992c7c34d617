"""GET /api/v1/events and /api/v1/events/{slug}: what is listed and shown, the /events page's
filters, pagination with Link headers, and what never shows."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from starlette.testclient import TestClient

from events_app.clock import FrozenClock
from events_app.db import Database
from events_app.registration.notify import Notifier
from tests.api.helpers import BASE, links, page_of, problem, slugs
from tests.factories import make_article, make_event
from tests.registration.helpers import register
from tests.support.settings import make_settings


def test_only_live_upcoming_events_are_listed_soonest_first(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="later", starts_at=now + timedelta(days=9))
    make_event(db, now, slug="sooner", starts_at=now + timedelta(days=2))
    make_event(db, now, slug="in-progress", starts_at=now - timedelta(hours=1))
    make_event(db, now, slug="over", starts_at=now - timedelta(days=2))
    make_event(db, now, slug="draft", status="draft")
    make_event(db, now, slug="scheduled", publish_at=now + timedelta(hours=1))
    make_event(db, now, slug="called-off", status="cancelled", starts_at=now + timedelta(days=3))
    response = client.get("/api/v1/events")
    assert slugs(response) == ["in-progress", "sooner", "called-off", "later"]
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "public, no-cache"
    body = response.json()
    assert (body["count"], body["page"], body["per_page"], body["pages"]) == (4, 1, 20, 1)
    assert body["data"][2]["status"] == "cancelled"


def test_an_event_card_in_its_own_timezone_with_links(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(
        db,
        now,
        slug="beijing",
        title="Beijing talk",
        starts_at=datetime.fromisoformat("2026-12-13T14:00:00+08:00"),
        timezone="Asia/Shanghai",
        format="hybrid",
        categories=["Open science"],
        online_url="https://stream.example.net/secret-room",
    )
    (card,) = client.get("/api/v1/events").json()["data"]
    assert card["starts_at"] == "2026-12-13T14:00:00+08:00"
    assert card["ends_at"] == "2026-12-13T16:00:00+08:00"
    assert (card["timezone"], card["format"], card["all_day"]) == ("Asia/Shanghai", "hybrid", False)
    assert card["url"] == f"{BASE}/events/beijing"
    assert card["api_url"] == f"{BASE}/api/v1/events/beijing"
    assert card["categories"] == [
        {
            "slug": "open-science",
            "name": "Open science",
            "url": f"{BASE}/categories/open-science",
            "events_url": f"{BASE}/api/v1/events?category=open-science",
        }
    ]
    for path in ("/api/v1/events", "/api/v1/events/beijing"):
        assert "secret-room" not in client.get(path).text


def test_the_events_page_filters(client: TestClient, db: Database, now: datetime) -> None:
    make_event(db, now, slug="quantum", title="Quantum links", categories=["Quantum technology"])
    make_event(db, now, slug="webinar", format="online", starts_at=now + timedelta(days=20))
    make_event(
        db, now, slug="summit", summary="A climate summit", starts_at=now + timedelta(days=40)
    )
    assert slugs(client.get("/api/v1/events?category=quantum-technology")) == ["quantum"]
    assert slugs(client.get("/api/v1/events?format=online")) == ["webinar"]
    assert slugs(client.get("/api/v1/events?q=CLIMATE")) == ["summit"]
    day = (now + timedelta(days=20)).date().isoformat()
    assert slugs(client.get(f"/api/v1/events?from={day}&to={day}")) == ["webinar"]
    assert slugs(client.get(f"/api/v1/events?from={day}")) == ["webinar", "summit"]
    assert slugs(client.get("/api/v1/events?category=no-such-thing")) == []
    # The same filters as the site's /events page, with the same meaning.
    page = client.get(f"/events?from={day}").text
    assert "/events/webinar" in page
    assert "/events/quantum" not in page


def test_bad_filters_are_a_400_naming_each_parameter(client: TestClient) -> None:
    response = client.get("/api/v1/events?from=2026-13-01&to=20270131&format=nope&page=0")
    body = problem(response, 400)
    assert body["type"] == f"{BASE}/api/docs#problem-invalid-query"
    assert {(e["parameter"], e["code"]) for e in body["errors"]} == {
        ("from", "invalid"),
        ("to", "invalid"),
        ("format", "invalid"),
        ("page", "out_of_range"),
    }
    for query in (
        "per_page=101",
        "per_page=0",
        "page=x",
        "category=Not%20a%20slug",
        "q=" + "x" * 201,
    ):
        assert client.get(f"/api/v1/events?{query}").status_code == 400, query
    # Unknown parameters are ignored, as on the site's pages.
    assert client.get("/api/v1/events?utm_source=newsletter").status_code == 200


def test_pages_link_to_each_other_and_keep_the_filters(
    client: TestClient, db: Database, now: datetime
) -> None:
    for day in range(5):
        make_event(
            db, now, slug=f"online-{day}", format="online", starts_at=now + timedelta(days=day + 1)
        )
    make_event(db, now, slug="in-person")
    first = client.get("/api/v1/events?format=online&per_page=2")
    assert first.headers["x-total-count"] == "5"
    assert {rel: page_of(url) for rel, url in links(first).items()} == {
        "first": 1,
        "next": 2,
        "last": 3,
    }
    for url in links(first).values():
        assert url.startswith(f"{BASE}/api/v1/events?")
        assert "format=online" in url
        assert "per_page=2" in url
    middle = client.get("/api/v1/events?format=online&per_page=2&page=2")
    assert {rel: page_of(url) for rel, url in links(middle).items()} == {
        "first": 1,
        "prev": 1,
        "next": 3,
        "last": 3,
    }
    # Following next from the first page visits every event once.
    seen, url = [], links(first)["first"]
    while url:
        response = client.get(urlsplit(url).path + "?" + urlsplit(url).query)
        seen += slugs(response)
        url = links(response).get("next", "")
    assert seen == [f"online-{day}" for day in range(5)]
    beyond = client.get("/api/v1/events?format=online&per_page=2&page=7")
    assert slugs(beyond) == []
    assert page_of(links(beyond)["prev"]) == 3
    assert "next" not in links(beyond)


def test_an_empty_listing_still_has_first_and_last(client: TestClient) -> None:
    response = client.get("/api/v1/events")
    assert response.json() == {"count": 0, "page": 1, "per_page": 20, "pages": 1, "data": []}
    assert {rel: page_of(url) for rel, url in links(response).items()} == {"first": 1, "last": 1}
    assert response.headers["x-total-count"] == "0"


def test_an_event_with_its_registration_state_and_seats(
    client: TestClient, db: Database, now: datetime, notifier: Notifier
) -> None:
    article = make_article(db, now, slug="background")
    make_article(db, now, slug="unpublished", published_at=now + timedelta(days=1))
    event = make_event(
        db,
        now,
        slug="talk",
        capacity=3,
        description="A *talk*.",
        address="1 Main Street",
        organizer="Open Science Desk",
        registration_closes_at=now + timedelta(days=2),
        articles=["background", "unpublished"],
    )
    assert event.id is not None
    register(db, now, notifier, event.id, "ada@example.org")  # holds a seat
    body = client.get("/api/v1/events/talk").json()
    assert body["registration"] == {
        "state": "open",
        "opens_at": None,
        "closes_at": (now + timedelta(days=2)).isoformat().replace("+00:00", "Z"),
        "capacity": 3,
        "seats_left": 2,
        "approval_required": False,
        "max_guests": 0,
        "registrations_url": f"{BASE}/api/v1/events/talk/registrations",
    }
    assert body["description_html"] == "<p>A <em>talk</em>.</p>\n"
    assert (body["address"], body["organizer"], body["is_past"]) == (
        "1 Main Street",
        "Open Science Desk",
        False,
    )
    assert [a["slug"] for a in body["articles"]] == [article.slug]
    assert body["calendar_url"] == f"{BASE}/events/talk.ics"
    assert "ada@example.org" not in client.get("/api/v1/events/talk").text


def test_cancelled_and_past_events_say_why_they_take_no_registrations(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="off", status="cancelled", status_reason="The speaker is ill.")
    make_event(db, now, slug="done", starts_at=now - timedelta(days=3))
    off = client.get("/api/v1/events/off").json()
    assert (off["status"], off["status_reason"], off["registration"]["state"]) == (
        "cancelled",
        "The speaker is ill.",
        "cancelled",
    )
    done = client.get("/api/v1/events/done").json()
    assert (done["is_past"], done["registration"]["state"]) == (True, "over")


def test_drafts_and_scheduled_events_are_404_like_missing_ones(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    now = clock.now()
    make_event(db, now, slug="draft", status="draft")
    make_event(db, now, slug="later", publish_at=now + timedelta(hours=1))
    answers = [client.get(f"/api/v1/events/{slug}") for slug in ("draft", "later", "missing")]
    bodies = [problem(answer, 404) for answer in answers]
    assert bodies[0] == bodies[1] == bodies[2]
    assert bodies[0]["type"] == "about:blank"
    clock.advance(timedelta(hours=1))
    assert client.get("/api/v1/events/later").status_code == 200
    assert slugs(client.get("/api/v1/events")) == ["later"]


def test_per_page_defaults_to_the_page_size_setting(
    database_url: str, db: Database, clock: FrozenClock
) -> None:
    from events_app.app import create_app

    for _ in range(3):
        make_event(db, clock.now())
    settings = make_settings(database_url, page_size=2)
    with TestClient(create_app(settings, clock=clock, database=db)) as small:
        body = small.get("/api/v1/events").json()
    assert (len(body["data"]), body["per_page"], body["pages"]) == (2, 2, 2)
