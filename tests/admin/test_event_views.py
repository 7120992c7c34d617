"""The events pages over HTTP: the list, a new event, its form coming back with messages,
the preview, a time that happens twice, duplicating (asking before emailing attendees:
test_event_notify)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from events_app.admin.event_form import blank_form
from events_app.db import Database
from events_app.markdown import render_markdown
from events_app.models import Event, User
from events_app.registration.notify import Notifier
from tests.admin.event_helpers import attend, edit_form, load_event, post_event_form
from tests.admin.web_helpers import sign_in
from tests.factories import make_article, make_event, make_user
from tests.support.audit import audit_entries
from tests.support.error_summary import assert_error_summary

NEW = "/admin/events/new"
ROW_LINK = r'<td><a href="/admin/events/[a-z-]+" translate="no">([^<]+)</a>'
MARKDOWN = (
    "## Programme\n\n- **Talks** and *questions*\n- [Map](https://example.org/map)\n\n"
    "| a | b |\n|---|---|\n| 1 | 2 |"
)


@pytest.fixture
def editor(client: TestClient, db: Database, now: datetime) -> User:
    user = make_user(db, now, role="editor", email="ed@example.org")
    sign_in(client, user)
    return user


def new_form(**fields: object) -> dict[str, object]:
    form = blank_form("Europe/Berlin") | {
        "title": "Open labs",
        "starts_at": "2026-12-08T14:00",
        "ends_at": "2026-12-08T16:00",
        "venue": "Main Hall",
        "description": MARKDOWN,
    }
    return form | fields


def count_events(db: Database) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(Event)) or 0)


def prose(page: str) -> str:
    found = re.search(r'<div class="prose"[^>]*>\s*(.*?)\s*</div>', page, re.S) or re.search(
        r'<section class="prose"[^>]*>\s*(.*?)\s*</section>', page, re.S
    )
    assert found, "no prose block"
    return found.group(1)


def test_a_new_event_is_saved_as_a_draft_and_logged(
    client: TestClient, db: Database, now: datetime, editor: User
) -> None:
    article = make_article(db, now, slug="news")
    response = post_event_form(client, NEW, new_form(articles=[article.slug]), action="save")
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/events/open-labs?created=1"
    page = client.get(response.headers["location"]).text
    assert "The event has been saved as a draft." in page
    event = load_event(db, "open-labs")
    assert event is not None
    assert event.status == "draft"
    assert event.starts_at.isoformat() == "2026-12-08T13:00:00+00:00"  # 14:00 in Berlin
    assert client.get("/events/open-labs").status_code == 404  # a draft is not public
    entry = audit_entries(db)[-1]
    assert (entry.action, entry.actor_email) == ("event.create", "ed@example.org")
    assert entry.after is not None
    assert entry.after["articles"] == ["news"]


def test_bad_input_comes_back_kept_with_messages_and_nothing_is_written(
    client: TestClient, db: Database, editor: User
) -> None:
    form = new_form(title="", slug="Bad Slug", capacity="lots", online_url="zoom")
    response = post_event_form(client, NEW, form, action="save")
    assert response.status_code == 400
    page = response.text
    assert "Nothing was saved." in page
    assert 'id="ev-slug" name="slug" type="text" maxlength="120" value="Bad Slug"' in page
    assert 'aria-invalid="true" aria-describedby="ev-title-error"' in page
    assert re.search(r'id="ev-slug-error">Use lowercase letters', page)
    assert re.search(r'id="ev-capacity-error">Enter a whole number', page)
    assert re.search(r'id="ev-online-url-error">Enter an address starting with http', page)
    assert "Main Hall" in page  # what was right is kept too
    links = assert_error_summary(page, ["ev-title", "ev-slug", "ev-online-url", "ev-capacity"])
    assert links[0] == ("ev-title", "Title: This field is required.")
    assert count_events(db) == 0
    assert [entry.action for entry in audit_entries(db)] == ["user.create"]


def test_a_taken_address_is_refused_beside_the_field(
    client: TestClient, db: Database, now: datetime, editor: User
) -> None:
    make_event(db, now, slug="open-labs")
    response = post_event_form(client, NEW, new_form(), action="save")
    assert response.status_code == 400
    assert re.search(r'id="ev-slug-error">This is already used', response.text)
    assert count_events(db) == 1


def test_the_preview_renders_the_description_as_the_public_page_does(
    client: TestClient, db: Database, now: datetime, editor: User
) -> None:
    response = post_event_form(client, NEW, new_form(), action="preview")
    assert response.status_code == 200
    assert count_events(db) == 0  # a preview saves nothing
    shown = prose(response.text)
    assert shown == str(render_markdown(MARKDOWN)).strip()
    assert "<h2>Programme</h2>" in shown
    assert "<table>" in shown
    assert MARKDOWN.split("\n")[0] in response.text  # the source is kept in the textarea
    make_event(db, now, slug="public", description=MARKDOWN)
    assert prose(client.get("/events/public").text) == shown


def test_a_description_with_too_many_square_brackets_is_refused_and_kept(
    client: TestClient, db: Database, now: datetime, editor: User
) -> None:
    # The 24,900 do not fit in a form's 64 KiB (413); 5,000 do, and took 0.6 s.
    hostile = "*[" * 5_000
    for action in ("save", "preview"):
        response = post_event_form(client, NEW, new_form(description=hostile), action=action)
        assert response.status_code == 400
        assert re.search(
            r'id="ev-description-error">Please use at most 1,000 square brackets', response.text
        )
        assert f"{hostile}</textarea>" in response.text
        assert "ev-description-preview-heading" not in response.text
    assert count_events(db) == 0
    make_event(db, now, slug="talk")
    response = edit_form(client, db, "talk", description=hostile, extra={"action": "save"})
    assert response.status_code == 400
    stored = load_event(db, "talk")
    assert stored is not None
    assert stored.description == "A *description*."


def test_saving_stores_the_rendered_description(
    client: TestClient, db: Database, now: datetime, editor: User
) -> None:
    response = post_event_form(client, NEW, new_form(), action="save")
    assert response.status_code == 303
    stored = load_event(db, "open-labs")
    assert stored is not None
    assert stored.description_html == str(render_markdown(MARKDOWN))
    assert stored.description_text.startswith("Programme Talks and questions Map")
    response = edit_form(client, db, "open-labs", description="Now *shorter*.")
    stored = load_event(db, "open-labs")
    assert stored is not None
    assert (stored.description_html, stored.description_text) == (
        "<p>Now <em>shorter</em>.</p>\n",
        "Now shorter.",
    )


def test_a_time_that_does_not_exist_is_refused_with_the_gap(
    client: TestClient, db: Database, editor: User
) -> None:
    form = new_form(starts_at="2026-03-29T02:30", ends_at="2026-03-29T04:00")
    response = post_event_form(client, NEW, form, action="save")
    assert response.status_code == 400
    assert (
        "2026-03-29 02:30 does not exist in Europe/Berlin: the clocks skip that hour. "
        "Choose a time outside the gap."
    ) in response.text
    assert count_events(db) == 0


def test_a_time_that_happens_twice_is_asked_about_and_saved_as_chosen(
    client: TestClient, db: Database, editor: User
) -> None:
    form = new_form(starts_at="2026-10-25T02:30", ends_at="2026-10-25T04:00")
    response = post_event_form(client, NEW, form, action="save")
    assert response.status_code == 400
    page = response.text
    assert "2026-10-25 02:30 happens twice in Europe/Berlin: the clocks go back." in page
    assert "The first, with offset +02:00 CEST" in page
    assert "The second, with offset +01:00 CET" in page
    assert count_events(db) == 0
    chosen = form | {"starts_at_offset": "+01:00"}
    assert post_event_form(client, NEW, chosen, action="save").status_code == 303
    event = load_event(db, "open-labs")
    assert event is not None
    assert event.starts_at.isoformat() == "2026-10-25T01:30:00+00:00"  # the second 02:30
    page = client.get("/admin/events/open-labs").text
    assert 'name="starts_at_offset" value="+01:00"' in page  # kept on the next save


def test_editing_keeps_what_the_form_does_not_carry(
    client: TestClient, db: Database, now: datetime, editor: User
) -> None:
    moment = now + timedelta(days=1)
    make_event(db, now, slug="talk", publish_at=moment, latitude=52.5, longitude=13.4)
    response = edit_form(
        client, db, "talk", title="Renamed", slug="renamed", extra={"action": "save"}
    )
    assert response.headers["location"] == "/admin/events/renamed?saved=1"
    event = load_event(db, "renamed")
    assert event is not None
    assert (event.title, event.publish_at, event.latitude, event.status) == (
        "Renamed",
        moment,
        52.5,
        "published",
    )
    assert client.get("/admin/events/talk").status_code == 404


def test_duplicating_fills_a_new_form_and_writes_nothing_until_saved(
    client: TestClient, db: Database, now: datetime, editor: User
) -> None:
    make_event(db, now, slug="talk", title="The talk", categories=["Science"])
    make_event(db, now, slug="talk-copy")
    page = client.get("/admin/events/talk/duplicate").text
    assert 'value="talk-copy-2"' in page
    assert 'value="The talk"' in page
    assert re.search(r'value="Science" checked', page)
    assert count_events(db) == 2
    form = blank_form("UTC") | {
        "slug": "talk-copy-2",
        "title": "The talk",
        "starts_at": "2026-12-20T10:00",
        "ends_at": "2026-12-20T11:00",
        "categories": ["Science"],
    }
    response = post_event_form(client, NEW, form, copied_from="talk", action="save")
    assert response.status_code == 303
    copy = load_event(db, "talk-copy-2")
    assert copy is not None
    assert copy.status == "draft"
    assert audit_entries(db)[-1].after["copied_from"] == "talk"  # type: ignore[index]


def test_the_list_puts_upcoming_first_and_filters(
    client: TestClient, db: Database, now: datetime, editor: User
) -> None:
    make_event(db, now, slug="later", title="Later", starts_at=now + timedelta(days=9))
    make_event(db, now, slug="sooner", title="Sooner", starts_at=now + timedelta(days=2))
    make_event(db, now, slug="old", title="Old", starts_at=now - timedelta(days=9))
    make_event(db, now, slug="older", title="Older", starts_at=now - timedelta(days=20))
    make_event(db, now, slug="idea", title="Idea", status="draft")
    make_event(db, now, slug="soon", title="Soon live", publish_at=now + timedelta(hours=1))
    make_event(db, now, slug="off", title="Called off", status="cancelled")
    page = client.get("/admin/events").text
    titles = re.findall(ROW_LINK, page)
    assert (
        titles.index("Sooner") < titles.index("Later") < titles.index("Old") < titles.index("Older")
    )
    expected = {
        "draft": ["Idea"],
        "scheduled": ["Soon live"],
        "live": ["Sooner", "Soon live", "Later"],
        "cancelled": ["Called off"],
        "past": ["Old", "Older"],
        "postponed": [],
    }
    for standing, wanted in expected.items():
        page = client.get(f"/admin/events?standing={standing}").text
        found = re.findall(ROW_LINK, page)
        if standing == "live":
            wanted = ["Sooner", "Later"]
        assert sorted(found) == sorted(wanted), standing
    page = client.get("/admin/events?q=OLD").text
    assert re.findall(ROW_LINK, page) == ["Old", "Older"]
    refused = client.get("/admin/events?standing=nonsense")
    assert refused.status_code == 400
    assert_error_summary(refused.text, ["ev-standing"])
    assert client.get("/admin/events?q=100%25_").status_code == 200


def test_the_registrations_count_links_to_the_registrations_page(
    client: TestClient, db: Database, now: datetime, notifier: Notifier, editor: User
) -> None:
    event = make_event(db, now, slug="talk")
    attend(db, now, notifier, event, "a@example.org")

    link = 'href="/admin/events/talk/registrations">1 confirmed'
    assert link in client.get("/admin/events").text
    assert link in client.get("/admin/events/talk").text


def test_the_nav_offers_events_articles_and_categories(
    client: TestClient, db: Database, editor: User
) -> None:
    page = client.get("/admin/events").text
    assert '<a href="/admin/events" aria-current="page">Events</a>' in page
    assert '<a href="/admin/articles">Articles</a>' in page
    assert '<a href="/admin/categories">Categories</a>' in page


def test_approval_and_guests_are_set_on_the_form_and_checked(
    client: TestClient, db: Database, editor: User
) -> None:
    page = client.get(NEW).text
    assert 'name="approval_required"' in page
    assert 'name="max_guests"' in page
    bad = post_event_form(client, NEW, new_form(max_guests="50"), action="save")
    assert bad.status_code == 400
    assert re.search(
        r'id="ev-max-guests-error">Enter a whole number of guests from 0 to 20', bad.text
    )
    assert count_events(db) == 0
    form = new_form(approval_required=True, max_guests="2")
    assert post_event_form(client, NEW, form, action="save").status_code == 303
    event = load_event(db, "open-labs")
    assert event is not None
    assert (event.approval_required, event.max_guests) == (True, 2)
    again = client.get("/admin/events/open-labs").text
    assert re.search(
        r'id="ev-approval" name="approval_required" type="checkbox" value="1" checked', again
    )
    assert 'value="2"' in again
