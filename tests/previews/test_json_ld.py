"""schema.org JSON-LD on every kind of event page and on article pages: required properties,
values that follow the data as it changes, and serialisation that cannot end its element."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from events_app.db import Database
from events_app.previews.json_ld import script_json
from events_app.registration.notify import Notifier
from events_app.web.security import CONTENT_SECURITY_POLICY
from tests.factories import edit_event, make_article, make_event
from tests.registration.helpers import confirm, register
from tests.support.http import https_client_fixture  # noqa: F401 (`client`, over HTTPS)

SCHEMA = "https://schema.org/"
BLOCK = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)
EVENT_REQUIRED = {
    "@context", "@type", "name", "description", "startDate", "endDate", "eventStatus",
    "eventAttendanceMode", "location", "organizer", "url", "offers",
}  # fmt: skip
ARTICLE_REQUIRED = {
    "@context", "@type", "headline", "description", "datePublished", "dateModified", "author",
    "publisher", "url", "mainEntityOfPage",
}  # fmt: skip
OFFSET_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
SECRET_LINK = "https://meet.example.org/secret-room"


def json_ld(client: TestClient, path: str) -> dict[str, Any]:
    response = client.get(path)
    assert response.status_code == 200, path
    [block] = BLOCK.findall(response.text)
    data: dict[str, Any] = json.loads(block)
    assert data["@context"] == "https://schema.org"
    return data


def event_ld(client: TestClient, slug: str) -> dict[str, Any]:
    data = json_ld(client, f"/events/{slug}")
    assert data["@type"] == "Event"
    assert set(data) >= EVENT_REQUIRED, EVENT_REQUIRED - set(data)
    assert data["url"] == f"https://events.example.org/events/{slug}"
    assert data["offers"]["@type"] == "Offer"
    assert data["offers"]["price"] == 0
    assert data["offers"]["priceCurrency"] == "EUR"
    return data


def test_in_person_event(client: TestClient, db: Database, now: datetime) -> None:
    make_event(
        db, now, slug="talk", title="Quantum talk", summary="Photons.", timezone="Europe/Berlin",
        venue="Main Hall", address="1 Science Road, Berlin", latitude=52.5, longitude=13.4,
        organizer="Physics Desk",
    )  # fmt: skip
    data = event_ld(client, "talk")
    assert (data["name"], data["description"]) == ("Quantum talk", "Photons.")
    assert data["startDate"] == "2026-12-08T10:00:00+01:00"  # 09:00 UTC, in Berlin
    assert data["endDate"] == "2026-12-08T12:00:00+01:00"
    assert OFFSET_TIME.match(data["startDate"])
    assert OFFSET_TIME.match(data["endDate"])
    assert data["eventStatus"] == SCHEMA + "EventScheduled"
    assert data["eventAttendanceMode"] == SCHEMA + "OfflineEventAttendanceMode"
    assert data["location"] == {
        "@type": "Place",
        "name": "Main Hall",
        "address": {"@type": "PostalAddress", "streetAddress": "1 Science Road, Berlin"},
        "geo": {"@type": "GeoCoordinates", "latitude": 52.5, "longitude": 13.4},
    }
    assert data["organizer"] == {"@type": "Organization", "name": "Physics Desk"}
    assert data["offers"]["availability"] == SCHEMA + "InStock"
    assert "image" not in data  # events have none to give


def test_online_event_points_at_its_page_never_at_the_attendees_link(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="webinar", format="online", venue="", online_url=SECRET_LINK)
    page = client.get("/events/webinar").text
    data = event_ld(client, "webinar")
    assert data["eventAttendanceMode"] == SCHEMA + "OnlineEventAttendanceMode"
    assert data["location"] == {
        "@type": "VirtualLocation",
        "url": "https://events.example.org/events/webinar",
    }
    assert "secret-room" not in page
    # Without an organiser, the site organises.
    assert data["organizer"] == {
        "@type": "Organization",
        "name": "Events",
        "url": "https://events.example.org/",
    }


def test_hybrid_event_has_both_places(client: TestClient, db: Database, now: datetime) -> None:
    make_event(db, now, slug="both", format="hybrid", venue="Main Hall", online_url=SECRET_LINK)
    data = event_ld(client, "both")
    assert data["eventAttendanceMode"] == SCHEMA + "MixedEventAttendanceMode"
    place, virtual = data["location"]
    assert (place["@type"], place["name"]) == ("Place", "Main Hall")
    assert virtual == {"@type": "VirtualLocation", "url": "https://events.example.org/events/both"}
    assert "secret-room" not in json.dumps(data)


@pytest.mark.parametrize(
    ("status", "expected"), [("cancelled", "EventCancelled"), ("postponed", "EventPostponed")]
)
def test_status_follows_the_event_even_in_the_page_cache(
    client: TestClient, db: Database, now: datetime, status: str, expected: str
) -> None:
    # Registration closed: the page is public, and the page cache keeps it.
    make_event(db, now, slug="talk", registration_closes_at=now - timedelta(minutes=1))
    first = client.get("/events/talk")
    assert first.headers["cache-control"] == "public, no-cache"
    assert event_ld(client, "talk")["eventStatus"] == SCHEMA + "EventScheduled"
    edit_event(db, now, "talk", status=status)
    data = event_ld(client, "talk")
    assert data["eventStatus"] == SCHEMA + expected
    assert OFFSET_TIME.match(data["startDate"])  # a postponed event keeps its first date


def test_booking_the_last_seat_sells_out(
    client: TestClient, db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now, slug="small", capacity=1)
    offers = event_ld(client, "small")["offers"]
    assert offers["availability"] == SCHEMA + "InStock"
    register(db, now, notifier, event.id, "first@example.org")
    assert event_ld(client, "small")["offers"]["availability"] == SCHEMA + "SoldOut"


def test_a_confirmed_last_seat_stays_sold_out_once_the_page_is_public(
    client: TestClient, db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(
        db, now, slug="small", capacity=1, registration_closes_at=now + timedelta(hours=1)
    )
    _, token = register(db, now, notifier, event.id, "first@example.org")
    confirm(db, now, notifier, token)
    client.app.state.context.clock.advance(timedelta(hours=2))  # type: ignore[attr-defined]
    first = client.get("/events/small")
    assert first.headers["cache-control"] == "public, no-cache"  # cacheable now
    assert json.loads(BLOCK.findall(first.text)[0])["offers"]["availability"].endswith("SoldOut")


def test_all_day_events_give_their_days(client: TestClient, db: Database, now: datetime) -> None:
    make_event(
        db, now, slug="week", all_day=True, timezone="Asia/Shanghai",
        starts_at=datetime(2026, 12, 14).date(), ends_at=datetime(2026, 12, 18).date(),
    )  # fmt: skip
    data = event_ld(client, "week")
    assert (data["startDate"], data["endDate"]) == ("2026-12-14", "2026-12-18")


def test_registration_opening_is_the_offers_start(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="talk", timezone="UTC", registration_opens_at=now - timedelta(days=1))
    assert event_ld(client, "talk")["offers"]["validFrom"] == "2026-11-30T09:00:00+00:00"


def test_article(client: TestClient, db: Database, now: datetime) -> None:
    make_article(
        db, now, slug="news", title="Shared labs", summary="Labs open up.", author="A. Writer",
        published_at=now - timedelta(days=2), categories=["Open science"],
    )  # fmt: skip
    data = json_ld(client, "/articles/news")
    assert data["@type"] == "NewsArticle"
    assert set(data) >= ARTICLE_REQUIRED, ARTICLE_REQUIRED - set(data)
    assert data["headline"] == "Shared labs"
    assert data["description"] == "Labs open up."
    assert data["datePublished"] == "2026-11-29T09:00:00+00:00"
    assert data["dateModified"] == "2026-12-01T09:00:00+00:00"  # saved after its date
    assert data["author"] == {"@type": "Person", "name": "A. Writer"}
    assert data["publisher"]["name"] == "Events"
    assert data["url"] == data["mainEntityOfPage"] == "https://events.example.org/articles/news"
    assert data["articleSection"] == ["Open science"]


def test_a_title_cannot_end_the_script_element(
    client: TestClient, db: Database, now: datetime
) -> None:
    title = "</script><script>alert(1)</script><!-- & -->"  # U+2028: the unit test below
    make_event(db, now, slug="evil", title=title, summary="</SCRIPT >")
    page = client.get("/events/evil")
    [block] = BLOCK.findall(page.text)
    assert "<" not in block
    assert ">" not in block
    data = json.loads(block)
    assert (data["name"], data["description"]) == (title, "</SCRIPT >")
    # A data block runs nothing, so the policy needs no 'unsafe-inline' for it.
    csp = page.headers["content-security-policy"]
    assert csp == CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in csp


def test_script_json_is_the_same_value_without_angle_brackets() -> None:
    value = {"a": "</script>", "b": "<!--", "c": "&amp;", "d": "\u2028\u2029", "e": "中文"}
    text = script_json(value)
    assert not set(text) & {"<", ">", "&", "\u2028", "\u2029"}
    assert "中文" in text
    assert json.loads(text) == value
