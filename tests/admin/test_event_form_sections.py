"""The event form in sections with a save bar; its reminder field (saved, validated, 0 for
none); its publishing section, which lets a new event or a draft be published or scheduled
while saving and points a published event to the publishing buttons."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from starlette.testclient import TestClient

from events_app.db import Database
from events_app.models import User
from tests.admin.event_helpers import edit_form, load_event, post_event_form
from tests.admin.test_event_views import NEW, count_events, new_form
from tests.admin.web_helpers import sign_in
from tests.factories import make_event, make_user
from tests.support.audit import audit_entries
from tests.support.error_summary import assert_error_summary

SECTIONS = ["basics", "when", "where", "registration", "content", "publishing"]


@pytest.fixture
def editor(client: TestClient, db: Database, now: datetime) -> User:
    user = make_user(db, now, role="editor", email="ed@example.org")
    sign_in(client, user)
    return user


def sections(page: str) -> list[str]:
    return re.findall(r'<fieldset class="editor-group" id="ev-([a-z]+)">', page)


def test_the_form_comes_in_sections_with_a_save_bar_last(
    client: TestClient, db: Database, now: datetime, editor: User
) -> None:
    make_event(db, now, slug="talk")
    for path in (NEW, "/admin/events/talk"):
        page = client.get(path).text
        assert sections(page) == SECTIONS
        bar = page.index('<div class="save-bar">')
        assert bar > page.index('id="ev-publishing"')
        assert 'name="action" value="save"' in page[bar:]
        assert 'name="action" value="preview"' in page[bar:]
        # Each field sits in its section.
        registration = page[page.index('id="ev-registration"') : page.index('id="ev-content"')]
        assert 'name="capacity"' in registration
        assert 'name="reminder_hours"' in registration


def test_the_reminder_is_saved_and_zero_means_none(
    client: TestClient, db: Database, now: datetime, editor: User
) -> None:
    response = post_event_form(client, NEW, new_form(reminder_hours="48"), action="save")
    assert response.status_code == 303
    assert load_event(db, "open-labs").reminder_hours == 48  # type: ignore[union-attr]
    page = client.get("/admin/events/open-labs").text
    assert re.search(r'name="reminder_hours"[^>]*value="48"', page)

    response = edit_form(client, db, "open-labs", reminder_hours="0", extra={"action": "save"})
    assert response.status_code == 303
    assert load_event(db, "open-labs").reminder_hours == 0  # type: ignore[union-attr]
    response = edit_form(client, db, "open-labs", reminder_hours=" ", extra={"action": "save"})
    assert load_event(db, "open-labs").reminder_hours == 0  # type: ignore[union-attr]


def test_a_new_form_offers_a_day_ahead(client: TestClient, editor: User) -> None:
    assert re.search(r'name="reminder_hours"[^>]*value="24"', client.get(NEW).text)


@pytest.mark.parametrize("typed", ["-1", "721", "two", "1.5"])
def test_a_bad_reminder_comes_back_with_a_message_and_nothing_saved(
    client: TestClient, db: Database, editor: User, typed: str
) -> None:
    response = post_event_form(client, NEW, new_form(reminder_hours=typed), action="save")
    assert response.status_code == 400
    links = assert_error_summary(response.text, ["ev-reminder-hours"])
    message = "Enter a whole number of hours from 0 (no reminder) to 720."
    assert links[0][1] == f"Reminder (hours before the start): {message}"
    assert re.search(rf'name="reminder_hours"[^>]*value="{re.escape(typed)}"', response.text)
    assert count_events(db) == 0


def test_a_new_event_can_be_scheduled_while_saving(
    client: TestClient, db: Database, now: datetime, editor: User
) -> None:
    form = new_form(publishing="schedule", publish_at="2026-12-05T09:30")
    response = post_event_form(client, NEW, form, action="save")
    assert response.status_code == 303
    event = load_event(db, "open-labs")
    assert event is not None
    assert (event.status, event.publish_at) == (
        "published",
        datetime(2026, 12, 5, 8, 30, tzinfo=event.publish_at.tzinfo),  # type: ignore[union-attr]
    )
    actions = [e.action for e in audit_entries(db) if e.action.startswith("event.")]
    assert actions == ["event.create", "event.schedule"]


def test_a_new_event_can_be_published_while_saving(
    client: TestClient, db: Database, editor: User
) -> None:
    response = post_event_form(client, NEW, new_form(publishing="publish"), action="save")
    assert response.status_code == 303
    event = load_event(db, "open-labs")
    assert (event.status, event.publish_at) == ("published", None)  # type: ignore[union-attr]


def test_scheduling_needs_a_moment_in_the_future(
    client: TestClient, db: Database, now: datetime, editor: User
) -> None:
    response = post_event_form(
        client, NEW, new_form(publishing="schedule", publish_at=""), action="save"
    )
    assert response.status_code == 400
    assert_error_summary(response.text, ["ev-publish-at"])
    past = (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = post_event_form(
        client, NEW, new_form(publishing="schedule", publish_at=past), action="save"
    )
    assert response.status_code == 400
    assert "Choose a moment in the future, or publish now." in response.text
    assert count_events(db) == 0  # the event is not left behind as a draft either


def test_a_draft_is_scheduled_from_its_form_and_a_live_event_points_to_its_buttons(
    client: TestClient, db: Database, now: datetime, editor: User
) -> None:
    make_event(db, now, slug="draft", status="draft")
    response = edit_form(
        client,
        db,
        "draft",
        publishing="schedule",
        publish_at="2026-12-05T09:30",
        extra={"action": "save"},
    )
    assert response.status_code == 303
    assert load_event(db, "draft").publish_at is not None  # type: ignore[union-attr]
    make_event(db, now, slug="live")
    page = client.get("/admin/events/live").text
    publishing = page[page.index('id="ev-publishing"') : page.index('class="save-bar"')]
    assert 'name="publishing"' not in publishing
    assert 'href="#publishing-heading"' in publishing
    # A hand-made choice for a live event is ignored: it stays as it is.
    response = edit_form(client, db, "live", publishing="draft", extra={"action": "save"})
    assert response.status_code == 303
    assert load_event(db, "live").status == "published"  # type: ignore[union-attr]
