"""Publishing from the back office, seen through the public pages with the app's clock moved:
now, at a moment, back to draft, cancelled or postponed with a reason; and deleting."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from events_app.clock import FrozenClock
from events_app.db import Database
from events_app.models import User
from events_app.registration.notify import Notifier
from tests.admin.event_helpers import attend, load_event
from tests.admin.web_helpers import post_form, sign_in
from tests.factories import make_event, make_user
from tests.registration.helpers import outbox
from tests.registration.web_helpers import csrf_from
from tests.support.audit import audit_entries


@pytest.fixture
def editor(client: TestClient, db: Database, now: datetime) -> User:
    user = make_user(db, now, role="editor", email="ed@example.org")
    sign_in(client, user)
    return user


def publication(client: TestClient, slug: str, action: str, **fields: str) -> Any:
    page = f"/admin/events/{slug}"
    data = {"csrf_token": csrf_from(client, page), "action": action, **fields}
    return client.post(f"{page}/publication", data=data, follow_redirects=False)


def test_a_scheduled_event_goes_live_at_its_moment_without_a_restart(
    client: TestClient, db: Database, now: datetime, clock: FrozenClock, editor: User
) -> None:
    make_event(db, now, slug="talk", title="The talk", status="draft", timezone="Europe/Berlin")
    assert client.get("/events").status_code == 200  # rendered (and cached) before the change
    response = publication(client, "talk", "schedule", publish_at="2026-12-01T12:00")
    assert response.headers["location"] == "/admin/events/talk?saved=1"
    event = load_event(db, "talk")
    assert event is not None
    assert event.publish_at is not None
    assert event.publish_at.isoformat() == "2026-12-01T11:00:00+00:00"  # noon in Berlin
    assert client.get("/events/talk").status_code == 404
    assert "The talk" not in client.get("/events").text
    assert "Scheduled" in client.get("/admin/events/talk").text

    clock.set(event.publish_at - timedelta(seconds=1))
    assert client.get("/events/talk").status_code == 404
    clock.set(event.publish_at)
    assert client.get("/events/talk").status_code == 200
    assert "The talk" in client.get("/events").text
    assert "Live" in client.get("/admin/events/talk").text
    assert audit_entries(db)[-1].action == "event.schedule"


def test_publishing_now_and_back_to_draft(
    client: TestClient, db: Database, now: datetime, editor: User
) -> None:
    make_event(db, now, slug="talk", title="The talk", status="draft")
    assert client.get("/events/talk").status_code == 404
    publication(client, "talk", "publish")
    assert client.get("/events/talk").status_code == 200
    publication(client, "talk", "unpublish")
    assert client.get("/events/talk").status_code == 404
    assert load_event(db, "talk").status == "draft"  # type: ignore[union-attr]
    actions = [entry.action for entry in audit_entries(db)]
    assert actions[-2:] == ["event.publish", "event.unpublish"]


def test_a_schedule_in_the_past_or_in_a_gap_is_refused(
    client: TestClient, db: Database, now: datetime, editor: User
) -> None:
    make_event(db, now, slug="talk", status="draft", timezone="Europe/Berlin")
    response = publication(client, "talk", "schedule", publish_at="2026-11-30T12:00")
    assert response.status_code == 400
    assert "Choose a moment in the future, or publish now." in response.text
    response = publication(client, "talk", "schedule", publish_at="2027-03-28T02:30")
    assert response.status_code == 400
    assert "2027-03-28 02:30 does not exist in Europe/Berlin" in response.text
    assert 'value="2027-03-28T02:30"' in response.text  # kept
    response = publication(client, "talk", "teleport")
    assert response.status_code == 400
    assert load_event(db, "talk").status == "draft"  # type: ignore[union-attr]


def test_cancelling_shows_the_reason_and_tells_everyone_registered(
    client: TestClient, db: Database, now: datetime, notifier: Notifier, editor: User
) -> None:
    event = make_event(db, now, slug="talk", capacity=1)
    attend(db, now, notifier, event, "a@example.org")
    attend(db, now, notifier, event, "b@example.org")  # on the waitlist
    sent = len(outbox(db))
    assert "This event has been cancelled" not in client.get("/events/talk").text
    response = publication(client, "talk", "cancel", reason="The speaker is ill.")
    assert response.status_code == 200  # the confirmation step: nothing done yet
    assert "Yes, cancel the event</button>" in response.text
    assert '<input type="hidden" name="confirm" value="yes">' in response.text
    assert load_event(db, "talk").status == "published"  # type: ignore[union-attr]
    assert len(outbox(db)) == sent
    response = publication(client, "talk", "cancel", reason="The speaker is ill.", confirm="yes")
    assert response.headers["location"] == "/admin/events/talk?saved=1&notified=2"
    page = client.get("/events/talk").text
    assert "This event has been cancelled.</strong> The speaker is ill." in page
    assert sorted(m.to_address for m in outbox(db)[sent:]) == ["a@example.org", "b@example.org"]
    assert {m.kind for m in outbox(db)[sent:]} == {"event_cancelled"}
    assert "The speaker is ill." in client.get("/admin/events/talk").text


def test_postponing_asks_before_emailing_confirmed_attendees(
    client: TestClient, db: Database, now: datetime, notifier: Notifier, editor: User
) -> None:
    event = make_event(db, now, slug="talk")
    attend(db, now, notifier, event, "a@example.org")
    sent = len(outbox(db))
    response = publication(client, "talk", "postpone", reason="A new date soon.")
    assert "Yes, postpone the event</button>" in response.text
    assert (
        "it is postponed. You are asked next whether to email the 1 confirmed attendee."
        in response.text
    )
    response = publication(client, "talk", "postpone", reason="A new date soon.", confirm="yes")
    assert response.status_code == 200
    assert '<input type="hidden" name="confirm" value="yes">' in response.text
    assert "This changes “Event" in response.text
    assert "for 1 confirmed attendee." in response.text
    assert '<input type="hidden" name="reason" value="A new date soon.">' in response.text
    assert load_event(db, "talk").status == "published"  # type: ignore[union-attr]
    response = publication(
        client, "talk", "postpone", reason="A new date soon.", confirm="yes", notify="no"
    )
    assert response.headers["location"] == "/admin/events/talk?saved=1"
    assert len(outbox(db)) == sent
    assert (
        "This event has been postponed.</strong> A new date soon."
        in client.get("/events/talk").text
    )


def test_delete_asks_first_and_an_event_with_attendees_must_be_cancelled_first(
    client: TestClient, db: Database, now: datetime, notifier: Notifier, editor: User
) -> None:
    event = make_event(db, now, slug="talk", title="The talk")
    attend(db, now, notifier, event, "a@example.org")
    page = client.get("/admin/events/talk/delete").text
    assert "1 person is registered for this event." in page
    assert "Delete the event</button>" not in page
    response = post_form(client, "/admin/events/talk/delete", "/admin/events/talk/delete")
    assert response.status_code == 409
    assert load_event(db, "talk") is not None

    publication(client, "talk", "cancel", confirm="yes")
    page = client.get("/admin/events/talk/delete").text
    assert "Its 1 registration is deleted too" in page
    response = post_form(client, "/admin/events/talk/delete", "/admin/events/talk/delete")
    assert response.headers["location"] == "/admin/events?deleted=1"
    assert load_event(db, "talk") is None
    assert client.get("/events/talk").status_code == 404
    assert "The event has been deleted." in client.get("/admin/events?deleted=1").text


def test_a_draft_without_registrations_is_deleted_after_confirming(
    client: TestClient, db: Database, now: datetime, editor: User
) -> None:
    make_event(db, now, slug="idea", status="draft")
    assert "This cannot be undone." in client.get("/admin/events/idea/delete").text
    response = post_form(client, "/admin/events/idea/delete", "/admin/events/idea/delete")
    assert response.status_code == 303
    assert load_event(db, "idea") is None
    assert client.get("/admin/events/idea/delete").status_code == 404


def test_the_audit_log_names_what_was_done_to_the_event(
    client: TestClient, db: Database, now: datetime, editor: User
) -> None:
    make_event(db, now, slug="talk", title="The talk", status="draft")
    publication(client, "talk", "publish")
    publication(client, "talk", "postpone", reason="Later.", confirm="yes")
    sign_in(client, make_user(db, now, email="admin@example.org"))
    page = client.get("/admin/audit?target=event").text
    assert "Event published" in page
    assert "Event postponed" in page
    assert "Later." in page  # the reason, as it was after


def offered(client: TestClient, slug: str) -> list[str]:
    """The publishing buttons the event's page offers, in order: their action and label."""
    page = client.get(f"/admin/events/{slug}").text
    section = page.split('id="publishing-heading"')[1].split("</section>")[0]
    actions = re.findall(r'name="action" value="(\w+)"', section)
    labels = re.findall(r"<button[^>]*>([^<]+)</button>", section)
    return [f"{action}: {label}" for action, label in zip(actions, labels, strict=True)]


def test_the_controls_follow_where_the_event_stands(
    client: TestClient, db: Database, now: datetime, editor: User
) -> None:
    make_event(db, now, slug="draft", status="draft")
    make_event(db, now, slug="soon", publish_at=now + timedelta(days=1))
    make_event(db, now, slug="live")
    assert offered(client, "draft") == ["publish: Publish now", "schedule: Schedule"]
    assert offered(client, "soon") == [
        "publish: Publish now",
        "schedule: Change the go-live time",
        "unpublish: Unschedule",
    ]
    assert offered(client, "live") == [
        "postpone: Postpone…",
        "cancel: Cancel the event…",
        "unpublish: Back to draft",
    ]
    live = client.get("/admin/events/live").text
    assert '<button type="submit" class="danger">Postpone…</button>' in live
    assert '<button type="submit" class="danger">Cancel the event…</button>' in live


def test_new_event_is_the_lists_primary_button(
    client: TestClient, db: Database, now: datetime, editor: User
) -> None:
    page = client.get("/admin/events").text
    assert '<a class="button-link" href="/admin/events/new">New event</a>' in page


def test_each_control_does_what_it_says_with_its_audit_entry(
    client: TestClient, db: Database, now: datetime, editor: User
) -> None:
    make_event(db, now, slug="talk", status="draft", timezone="Asia/Singapore")
    publication(client, "talk", "schedule", publish_at="2026-12-02T09:00")
    event = load_event(db, "talk")
    assert event is not None
    assert event.status == "published"
    assert event.publish_at is not None
    assert event.publish_at.isoformat() == "2026-12-02T01:00:00+00:00"
    assert client.get("/events/talk").status_code == 404  # not yet

    publication(client, "talk", "unpublish")  # unschedule
    event = load_event(db, "talk")
    assert event is not None
    assert event.status == "draft"
    assert event.publish_at is None

    publication(client, "talk", "publish")
    assert client.get("/events/talk").status_code == 200

    asked = publication(client, "talk", "postpone", reason="Later.")
    assert asked.status_code == 200
    assert "Postpone “" in asked.text
    assert load_event(db, "talk").status == "published"  # type: ignore[union-attr]
    publication(client, "talk", "postpone", reason="Later.", confirm="yes")
    assert load_event(db, "talk").status == "postponed"  # type: ignore[union-attr]

    asked = publication(client, "talk", "cancel", reason="Sorry.")
    assert asked.status_code == 200
    assert "Keep it as it is</a>" in asked.text
    assert load_event(db, "talk").status == "postponed"  # type: ignore[union-attr]
    publication(client, "talk", "cancel", reason="Sorry.", confirm="yes")
    assert load_event(db, "talk").status == "cancelled"  # type: ignore[union-attr]
    assert "This event has been cancelled.</strong> Sorry." in client.get("/events/talk").text

    actions = [entry.action for entry in audit_entries(db)]
    assert actions[-5:] == [
        "event.schedule",
        "event.unpublish",
        "event.publish",
        "event.postpone",
        "event.cancel",
    ]


def test_an_action_the_page_does_not_offer_is_refused(
    client: TestClient, db: Database, now: datetime, editor: User
) -> None:
    """A hand-made request cannot cancel a draft or schedule a live event: the rule is what
    the page offers, not only the page."""
    make_event(db, now, slug="draft", status="draft")
    make_event(db, now, slug="live")
    refused = [
        publication(client, "draft", "cancel", reason="Gone", confirm="yes"),
        publication(client, "draft", "unpublish"),
        publication(client, "live", "publish"),
    ]
    assert [response.status_code for response in refused] == [400, 400, 400]
    assert load_event(db, "draft").status == "draft"  # type: ignore[union-attr]
    assert load_event(db, "live").status == "published"  # type: ignore[union-attr]
    assert not [e for e in audit_entries(db) if e.action.startswith("event.")]
