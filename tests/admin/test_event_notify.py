""" "Email N attendees about this change?" as its own page: asked when a save would move an
event for confirmed attendees, it lists old → new, keeps every input for "Back to the form"
(an uploaded cover image included), saves with or without the emails, and asks again when
the event changed before the choice came back."""

from __future__ import annotations

import html
import re
from datetime import datetime
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from events_app.config import Settings
from events_app.db import Database
from events_app.models import Event, User
from events_app.registration.notify import Notifier
from tests.admin.event_helpers import attend, edit_form, load_event, stored_form
from tests.admin.web_helpers import sign_in
from tests.factories import edit_event, make_event, make_user
from tests.registration.helpers import outbox
from tests.registration.web_helpers import csrf_from
from tests.support import images
from tests.support.settings import make_settings

PATH = "/admin/events/talk"


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, media_dir=tmp_path / "media")


@pytest.fixture
def editor(client: TestClient, db: Database, now: datetime) -> User:
    user = make_user(db, now, role="editor", email="ed@example.org")
    sign_in(client, user)
    return user


@pytest.fixture
def talk(db: Database, now: datetime, notifier: Notifier) -> Event:
    event = make_event(db, now, slug="talk", timezone="Europe/Berlin", venue="Main Hall")
    attend(db, now, notifier, event, "a@example.org")
    attend(db, now, notifier, event, "b@example.org")
    return event


def hidden(page: str) -> list[tuple[str, str]]:
    """The notify page's hidden fields, as its buttons post them."""
    found = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page)
    return [(name, html.unescape(value)) for name, value in found]


def press(client: TestClient, page: str, button: tuple[str, str]) -> object:
    """Press one of the notify page's buttons: its hidden fields and the button's value."""
    data: dict[str, list[str]] = {}
    for name, value in [*hidden(page), button]:
        data.setdefault(name, []).append(value)
    return client.post(PATH, data=data, follow_redirects=False)


def ask(client: TestClient, db: Database, **changes: str) -> str:
    response = edit_form(client, db, "talk", extra={"action": "save"}, **changes)
    assert response.status_code == 200
    assert "Email 2 attendees about this change?" in response.text
    return response.text


def test_the_page_says_how_many_and_what_changes_old_to_new_and_saves_nothing(
    client: TestClient, db: Database, talk: Event, editor: User
) -> None:
    page = ask(client, db, venue="Room 2", starts_at="2026-12-08T15:00", ends_at="2026-12-08T17:00")
    assert re.search(r"<h1>Email 2 attendees about this change\?</h1>", page)
    rows = re.findall(
        r'<th scope="row">([^<]*)</th>\s*<td[^>]*>([^<]*)</td>\s*<td[^>]*>([^<]*)<span', page
    )
    assert rows == [
        (
            "Date and time",  # in the event's zone, named
            "Tue 8 Dec 2026, 10:00–12:00 CET (UTC+1) · Europe/Berlin",
            "Tue 8 Dec 2026, 15:00–17:00 CET (UTC+1) · Europe/Berlin",
        ),
        ("Venue", "Main Hall", "Room 2"),
    ]
    assert "Save and email 2 attendees" in page
    assert "Save without telling them" in page
    assert "Back to the form" in page
    assert ("venue", "Room 2") in hidden(page)
    assert load_event(db, "talk").venue == "Main Hall"  # type: ignore[union-attr]


def test_save_and_email_then_save_without_telling(
    client: TestClient, db: Database, talk: Event, editor: User
) -> None:
    sent = len(outbox(db))
    response = press(client, ask(client, db, venue="Room 2"), ("notify", "yes"))
    assert response.headers["location"] == f"{PATH}?saved=1&notified=2"  # type: ignore[attr-defined]
    assert "2 attendees are being emailed." in client.get(f"{PATH}?saved=1&notified=2").text
    assert [m.kind for m in outbox(db)[sent:]] == ["event_changed"] * 2
    assert load_event(db, "talk").sequence == 1  # type: ignore[union-attr]

    response = press(client, ask(client, db, venue="Room 3"), ("notify", "no"))
    assert response.headers["location"] == f"{PATH}?saved=1"  # type: ignore[attr-defined]
    assert len(outbox(db)) == sent + 2
    assert load_event(db, "talk").venue == "Room 3"  # type: ignore[union-attr]


def test_back_to_the_form_keeps_every_input_and_saves_nothing(
    client: TestClient, db: Database, talk: Event, editor: User
) -> None:
    page = ask(client, db, venue="Room 2", title="Renamed talk", reminder_hours="6", categories=[])
    response = press(client, page, ("action", "back"))
    assert response.status_code == 200  # type: ignore[attr-defined]
    form = response.text  # type: ignore[attr-defined]
    assert 'id="ev-venue" name="venue" type="text" maxlength="200" value="Room 2"' in form
    assert 'value="Renamed talk"' in form
    assert 'name="reminder_hours" type="text" maxlength="3" inputmode="numeric" value="6"' in form
    assert "Email 2 attendees" not in form
    event = load_event(db, "talk")
    assert (event.title, event.venue, event.reminder_hours) == (talk.title, "Main Hall", 24)  # type: ignore[union-attr]


def test_an_uploaded_cover_image_is_kept_through_the_question(
    client: TestClient, db: Database, talk: Event, editor: User
) -> None:
    fields = stored_form(db, "talk") | {"venue": "Room 2", "image_alt": "A lab bench"}
    data = {k: ("1" if v is True else v) for k, v in fields.items() if v is not False}
    response = client.post(
        PATH,
        data=data | {"csrf_token": csrf_from(client, PATH), "action": "save"},
        files={"image_file": ("picture.jpg", images.jpeg(), "image/jpeg")},
        follow_redirects=False,
    )
    key = dict(hidden(response.text))["image"]
    assert key  # stored already, named by the hidden field
    back = press(client, response.text, ("action", "back")).text  # type: ignore[attr-defined]
    assert f'<input type="hidden" name="image" value="{key}">' in back
    assert load_event(db, "talk").image == ""  # type: ignore[union-attr]
    press(client, response.text, ("notify", "no"))
    assert load_event(db, "talk").image == key  # type: ignore[union-attr]


def test_a_choice_made_on_a_stale_question_is_asked_again(
    client: TestClient, db: Database, now: datetime, talk: Event, editor: User
) -> None:
    page = ask(client, db, venue="Room 2")
    edit_event(db, now, "talk", address="1 Other Street")  # someone else saved meanwhile
    sent = len(outbox(db))
    response = press(client, page, ("notify", "yes"))
    assert response.status_code == 409  # type: ignore[attr-defined]
    again = response.text  # type: ignore[attr-defined]
    assert "The event changed while you were deciding" in again
    assert load_event(db, "talk").venue == "Main Hall"  # type: ignore[union-attr]
    assert len(outbox(db)) == sent
    # The new question is about the event as it now stands, and its answer is applied.
    response = press(client, again, ("notify", "yes"))
    assert response.headers["location"] == f"{PATH}?saved=1&notified=2"  # type: ignore[attr-defined]
    assert load_event(db, "talk").venue == "Room 2"  # type: ignore[union-attr]


def test_a_new_confirmed_attendee_makes_the_question_stale(
    client: TestClient, db: Database, now: datetime, notifier: Notifier, talk: Event, editor: User
) -> None:
    page = ask(client, db, venue="Room 2")
    attend(db, now, notifier, talk, "c@example.org")
    response = press(client, page, ("notify", "no"))
    assert response.status_code == 409  # type: ignore[attr-defined]
    assert "Email 3 attendees about this change?" in response.text  # type: ignore[attr-defined]


def test_a_decision_without_what_it_was_made_on_is_asked_again(
    client: TestClient, db: Database, talk: Event, editor: User
) -> None:
    response = edit_form(client, db, "talk", venue="Room 2", extra={"notify": "yes"})
    assert response.status_code == 409
    assert load_event(db, "talk").venue == "Main Hall"  # type: ignore[union-attr]


def test_format_and_online_link_changes_are_listed(
    client: TestClient, db: Database, now: datetime, notifier: Notifier, editor: User
) -> None:
    event = make_event(
        db, now, slug="talk", format="hybrid", online_url="https://meet.example.org/a"
    )
    attend(db, now, notifier, event, "a@example.org")
    response = edit_form(
        client,
        db,
        "talk",
        format="online",
        online_url="https://meet.example.org/b",
        extra={"action": "save"},
    )
    assert "Email 1 attendee about this change?" in response.text
    rows = re.findall(
        r'<th scope="row">([^<]*)</th>\s*<td[^>]*>([^<]*)</td>\s*<td[^>]*>([^<]*)<span',
        response.text,
    )
    assert rows[0] == ("Format", "Hybrid", "Online")
    assert ("Online link", "https://meet.example.org/a", "https://meet.example.org/b") in rows


def test_publishing_a_draft_with_attendees_lists_the_new_status(
    client: TestClient, db: Database, now: datetime, talk: Event, editor: User
) -> None:
    # Published, attended, then taken back to draft: publishing it again from its form asks.
    from tests.factories import edit_event as change

    change(db, now, "talk", status="draft")
    response = edit_form(client, db, "talk", publishing="publish", extra={"action": "save"})
    assert "Email 2 attendees about this change?" in response.text
    assert re.search(r'<th scope="row">Status</th>\s*<td>Draft</td>', response.text)
    response = press(client, response.text, ("notify", "yes"))
    assert response.headers["location"] == f"{PATH}?saved=1&notified=2"  # type: ignore[attr-defined]
    assert load_event(db, "talk").status == "published"  # type: ignore[union-attr]
