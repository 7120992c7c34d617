"""The page a preview link opens, over HTTP with no session: the event's public page with a
banner, private and never stored; refused when edited, expired or for another event; the
public page once the event is live."""

from __future__ import annotations

from datetime import datetime, timedelta

from starlette.testclient import TestClient

from events_app.clock import FrozenClock
from events_app.config import Settings
from events_app.db import Database
from events_app.events.preview_links import PREVIEW_LINK_LIFETIME, issue_preview_token
from events_app.models import Event
from tests.factories import make_event
from tests.query_counter import count_queries

BANNER = "Preview: not public"


def preview_path(settings: Settings, event: Event, now: datetime, **slug: str) -> str:
    assert event.id is not None
    token = issue_preview_token(
        settings.secret_key, event_id=event.id, expires_at=now + PREVIEW_LINK_LIFETIME
    )
    return f"/events/{slug.get('slug', event.slug)}/preview/{token}"


def assert_private(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    assert headers["cache-control"] == "private, no-store"
    assert headers["x-robots-tag"] == "noindex"
    assert headers["referrer-policy"] == "no-referrer"
    assert "etag" not in headers


def test_a_draft_is_shown_with_the_banner_and_no_registration_form(
    client: TestClient, db: Database, settings: Settings, now: datetime
) -> None:
    event = make_event(
        db, now, slug="draft-talk", title="Draft talk", status="draft", capacity=30,
        description="The *secret* programme.",
    )  # fmt: skip
    assert client.get("/events/draft-talk").status_code == 404  # still private
    response = client.get(preview_path(settings, event, now))
    assert response.status_code == 200
    assert_private(response)
    page = response.text
    assert BANNER in page
    assert "<h1>Draft talk</h1>" in page
    assert "<em>secret</em>" in page
    assert 'name="robots" content="noindex"' in page
    assert "Registration opens when this event is published." in page
    assert 'class="register-form"' not in page
    assert 'class="register-bar"' not in page
    # The page is the public one: the same template, the banner the only addition.
    assert 'class="register-card"' in page


def test_the_preview_is_never_kept_by_the_page_cache(
    client: TestClient, db: Database, settings: Settings, now: datetime
) -> None:
    event = make_event(db, now, slug="draft-talk", status="draft")
    path = preview_path(settings, event, now)
    assert client.get(path).status_code == 200
    with count_queries(db.engine) as statements:
        again = client.get(path)
    assert again.status_code == 200
    assert statements  # rendered again from the database, not answered from memory
    assert_private(again)


def test_a_scheduled_event_is_shown_until_it_goes_live_then_the_link_leads_to_its_page(
    client: TestClient, db: Database, settings: Settings, clock: FrozenClock
) -> None:
    now = clock.now()
    event = make_event(db, now, slug="soon", publish_at=now + timedelta(days=1))
    path = preview_path(settings, event, now)
    assert BANNER in client.get(path).text
    clock.advance(timedelta(days=1))
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == "/events/soon"
    assert_private(response)
    # Even after the link's own expiry: the page it leads to is public now.
    clock.advance(PREVIEW_LINK_LIFETIME)
    assert client.get(path, follow_redirects=False).headers["location"] == "/events/soon"


def test_an_expired_link_is_refused_with_a_410(
    client: TestClient, db: Database, settings: Settings, clock: FrozenClock
) -> None:
    now = clock.now()
    event = make_event(db, now, slug="draft-talk", title="Draft talk", status="draft")
    path = preview_path(settings, event, now)
    clock.advance(PREVIEW_LINK_LIFETIME - timedelta(seconds=1))
    assert client.get(path).status_code == 200
    clock.advance(timedelta(seconds=1))
    response = client.get(path)
    assert response.status_code == 410
    assert "This preview link has expired" in response.text
    assert "Draft talk" not in response.text
    assert_private(response)


def test_edited_and_foreign_tokens_and_other_events_get_a_404(
    client: TestClient, db: Database, settings: Settings, now: datetime
) -> None:
    event = make_event(db, now, slug="draft-talk", title="Draft talk", status="draft")
    make_event(db, now, slug="other-draft", title="Other draft", status="draft")
    path = preview_path(settings, event, now)
    token = path.rsplit("/", 1)[1]
    assert event.id is not None
    foreign = issue_preview_token(
        "another-secret-" + "y" * 32, event_id=event.id, expires_at=now + timedelta(days=1)
    )
    refused = [
        path[:-3] + ("abc" if not path.endswith("abc") else "xyz"),  # edited
        f"/events/draft-talk/preview/{foreign}",  # signed with another key
        f"/events/draft-talk/preview/{'x' * 300}",  # too long to be ours
        f"/events/other-draft/preview/{token}",  # made for another event
        f"/events/no-such-event/preview/{token}",
    ]
    for address in refused:
        response = client.get(address)
        assert response.status_code == 404, address
        assert "This preview link does not work" in response.text
        assert "Draft talk" not in response.text
        assert_private(response)


def test_a_deleted_event_link_gets_a_404(
    client: TestClient, db: Database, settings: Settings, now: datetime
) -> None:
    event = make_event(db, now, slug="gone", status="draft")
    path = preview_path(settings, event, now)
    with db.write() as session:
        stored = session.get(Event, event.id)
        session.delete(stored)
    assert client.get(path).status_code == 404


def test_registering_through_a_previewed_draft_is_refused_as_before(
    client: TestClient, db: Database, settings: Settings, now: datetime
) -> None:
    make_event(db, now, slug="draft-talk", status="draft")
    form = {"name": "Ada", "email": "ada@example.org", "consent": "yes"}
    response = client.post("/events/draft-talk/register", data=form, follow_redirects=False)
    assert response.status_code == 404
