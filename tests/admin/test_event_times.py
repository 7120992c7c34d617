"""Times in the back office are the event's own, with the zone named: an event in Singapore
and one in London, on the events list, the edit page, the dashboard and the registrations;
and the go-live moment is shown back in the zone it was entered in, and saved from it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from starlette.testclient import TestClient

from events_app.db import Database
from events_app.models import User
from events_app.registration.notify import Notifier
from tests.admin.event_helpers import attend, load_event
from tests.admin.web_helpers import sign_in
from tests.factories import make_event, make_user
from tests.registration.web_helpers import csrf_from


@pytest.fixture
def editor(client: TestClient, db: Database, now: datetime) -> User:
    user = make_user(db, now, role="editor", email="ed@example.org")
    sign_in(client, user)
    return user


def two_zones(db: Database, now: datetime) -> None:
    # Live in Singapore (UTC+8, no abbreviation tzdata vouches for), from 09:00 there;
    # scheduled in London to go live at 09:00 British Summer Time.
    make_event(
        db,
        now,
        slug="sg",
        title="Singapore meetup",
        timezone="Asia/Singapore",
        starts_at=datetime(2026, 12, 8, 1, tzinfo=UTC),
    )
    make_event(
        db,
        now,
        slug="ldn",
        title="London summer fair",
        timezone="Europe/London",
        starts_at=datetime(2027, 7, 1, 9, tzinfo=UTC),
        publish_at=datetime(2027, 6, 1, 8, tzinfo=UTC),
    )


def test_the_events_list_shows_each_event_in_its_own_zone(
    client: TestClient, db: Database, now: datetime, editor: User
) -> None:
    two_zones(db, now)
    page = client.get("/admin/events").text
    assert "Tue 8 Dec 2026, 09:00–11:00 UTC+8" in page
    assert "Thu 1 Jul 2027, 10:00–12:00 BST (UTC+1)" in page
    assert "Tue 1 Jun 2027, 09:00 BST (UTC+1)" in page  # goes live, in London time
    assert "08:00 UTC" not in page


def test_the_edit_page_shows_the_go_live_moment_in_the_events_zone(
    client: TestClient, db: Database, now: datetime, editor: User
) -> None:
    two_zones(db, now)
    page = client.get("/admin/events/ldn").text
    assert (
        '<time datetime="2027-06-01T08:00:00+00:00">Tue 1 Jun 2027, 09:00 BST (UTC+1)</time>'
        in page
    )
    assert 'id="pub-at" name="publish_at" type="datetime-local" value="2027-06-01T09:00"' in page
    assert "Go live at (in Europe/London)" in page


def test_the_dashboard_shows_starts_in_the_events_zone(
    client: TestClient, db: Database, now: datetime, editor: User
) -> None:
    two_zones(db, now)
    make_event(
        db,
        now,
        slug="ldn-live",
        title="London winter fair",
        timezone="Europe/London",
        starts_at=datetime(2026, 12, 8, 9, tzinfo=UTC),
    )
    page = client.get("/admin").text
    assert "Tue 8 Dec 2026, 09:00 UTC+8" in page  # 01:00 UTC
    assert "Tue 8 Dec 2026, 09:00 GMT (UTC+0)" in page


def test_registrations_are_timed_in_the_events_zone(
    client: TestClient, db: Database, now: datetime, notifier: Notifier, editor: User
) -> None:
    two_zones(db, now)
    event = load_event(db, "sg")
    assert event is not None
    attend(db, now, notifier, event, "a@example.org")  # at 09:00 UTC: 17:00 in Singapore
    assert "Tue 1 Dec 2026, 17:00 UTC+8" in client.get("/admin/events/sg/registrations").text
    detail = client.get("/admin/events/sg/registrations/1").text
    assert "Tue 1 Dec 2026, 17:00 UTC+8" in detail


@pytest.mark.parametrize(
    ("zone", "typed", "stored", "shown"),
    [
        (
            "Asia/Singapore",
            "2026-12-05T10:00",
            "2026-12-05T02:00:00+00:00",
            "Sat 5 Dec 2026, 10:00 UTC+8",
        ),
        (
            "Europe/London",
            "2027-06-01T09:00",
            "2027-06-01T08:00:00+00:00",
            "Tue 1 Jun 2027, 09:00 BST (UTC+1)",
        ),
    ],
)
def test_the_go_live_moment_round_trips_in_the_events_zone(
    client: TestClient,
    db: Database,
    now: datetime,
    editor: User,
    zone: str,
    typed: str,
    stored: str,
    shown: str,
) -> None:
    make_event(db, now, slug="talk", status="draft", timezone=zone)
    page = "/admin/events/talk"
    data = {"csrf_token": csrf_from(client, page), "action": "schedule", "publish_at": typed}
    response = client.post(f"{page}/publication", data=data, follow_redirects=False)
    assert response.status_code == 303
    event = load_event(db, "talk")
    assert event is not None
    assert event.publish_at is not None
    assert event.publish_at.isoformat() == stored
    text = client.get(page).text
    assert f'name="publish_at" type="datetime-local" value="{typed}"' in text
    assert f">{shown}</time>" in text
