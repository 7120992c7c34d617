"""The event's questions over HTTP: on the event page's form (errors beside each question,
the input kept), stored with the registration, and on the attendee's manage page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from starlette.testclient import TestClient

from events_app.config import Settings
from events_app.db import Database
from events_app.events.questions import MAX_QUESTIONS
from events_app.models import Registration
from events_app.registration.answers import MAX_TEXT
from events_app.registration.notify import Notifier
from tests.factories import SAMPLE_QUESTIONS, make_event, set_questions
from tests.registration.helpers import cancel_by_token, register_with_answers
from tests.registration.web_helpers import SAME_ORIGIN, last_token, register_form
from tests.support.error_summary import assert_error_summary, summary_links

QUESTIONS = [
    *SAMPLE_QUESTIONS,
    {"key": "topics", "label": "Topics", "kind": "multi", "choices": ["AI", "Data & law"]},
    {"key": "notes", "label": "Notes", "kind": "textarea", "help": "Anything else?"},
]
GOOD = {"q_track": "Policy", "q_terms": "yes"}


def _event(db: Database, now: datetime, slug: str = "talk") -> Any:
    event = make_event(db, now, slug=slug)
    set_questions(db, now, event.id, QUESTIONS)
    return event


def _stored(db: Database) -> list[Registration]:
    with db.read() as session:
        return list(session.scalars(select(Registration)).all())


def test_the_form_asks_the_questions_and_stores_the_answers(
    client: TestClient, db: Database, now: datetime
) -> None:
    _event(db, now)
    html = client.get("/events/talk").text
    assert 'name="q_diet" type="text"' in html
    assert 'type="radio" value="Policy"' in html
    assert 'name="q_track"' in html
    assert 'id="reg-q-terms" name="q_terms" type="checkbox" value="yes" required' in html
    assert 'value="Data &amp; law"' in html
    assert '<p class="hint" id="reg-q-notes-hint">Anything else?</p>' in html
    response = register_form(
        client, "talk", **GOOD, q_diet="Vegan", q_topics=["AI", "Data & law"], q_notes="Hi\r\nthere"
    )
    assert response.status_code == 303
    [registration] = _stored(db)
    assert {a["key"]: a["value"] for a in registration.answers} == {
        "diet": "Vegan", "track": "Policy", "terms": True, "topics": ["AI", "Data & law"],
        "notes": "Hi\nthere",
    }  # fmt: skip


def test_bad_answers_come_back_beside_their_questions_with_the_input_kept(
    client: TestClient, db: Database, now: datetime
) -> None:
    _event(db, now)
    response = register_form(
        client, "talk", q_diet="one\r\ntwo", q_track="Astrology", q_topics=["AI"],
        q_notes="x" * 20_000,
    )  # fmt: skip
    assert response.status_code == 400
    page = response.text
    links = assert_error_summary(page, ["reg-q-diet", "reg-q-track", "reg-q-terms", "reg-q-notes"])
    assert links[0][1].startswith("Dietary needs: Please use a single line")
    assert "Please choose from the choices offered." in links[1][1]
    assert "This field is required." in links[2][1]
    assert "too long" in links[3][1]
    assert 'value="one\r\ntwo"' in page  # the input as sent
    assert 'value="AI" checked' in page  # the ticked choice stays ticked
    assert 'value="Ada Lovelace"' in page
    assert _stored(db) == []
    # 100 kB in one answer fits in the body limit (the longest valid form must), so it comes
    # back as a message beside its field, with what was typed.
    huge = register_form(client, "talk", **GOOD, q_notes="x" * 100_000)
    assert huge.status_code == 400
    assert "too long" in assert_error_summary(huge.text, ["reg-q-notes"])[0][1]
    assert "x" * 100_000 in huge.text
    assert _stored(db) == []


def test_the_longest_valid_form_fits_in_the_default_body_limit() -> None:
    """Every question answered at full length in Chinese (a character is nine bytes in a
    form: %E4%B8%AD) must reach the answers' own checks, never the 413 that loses the form."""
    longest_answers = MAX_QUESTIONS * (len("&q_") + 40 + len("=") + MAX_TEXT * 9)
    assert longest_answers + 8 * 1024 < Settings.model_fields["max_body_bytes"].default


def test_a_control_character_or_an_unknown_question_is_refused(
    client: TestClient, db: Database, now: datetime
) -> None:
    _event(db, now)
    control = register_form(client, "talk", **GOOD, q_notes="bell\x07")
    assert control.status_code == 400
    assert "Please use plain text, without control characters." in control.text
    unknown = register_form(client, "talk", **GOOD, q_removed="old answer")
    assert unknown.status_code == 400
    assert summary_links(unknown.text) == [
        ("reg-q-questions", "The questions of this form have changed since it was opened: "
         "please check your answers and send it again.")
    ]  # fmt: skip
    assert 'id="reg-q-questions"' in unknown.text
    assert _stored(db) == []


def test_consent_and_question_errors_are_summarised_in_form_order(
    client: TestClient, db: Database, now: datetime
) -> None:
    _event(db, now)
    response = register_form(client, "talk", consent="", name="")
    ids = [id_ for id_, _ in summary_links(response.text)]
    assert ids == ["reg-name", "reg-q-track", "reg-q-terms", "reg-consent"]


def test_the_manage_page_shows_and_changes_the_answers(
    client: TestClient, db: Database, now: datetime, notifier: Notifier
) -> None:
    event = _event(db, now)
    register_form(client, "talk", **GOOD, q_diet="Vegan")
    token = last_token(db, "ada@example.org")
    page = client.get(f"/r/{token}").text
    assert "Your answers" in page
    assert 'name="q_diet" type="text" maxlength="500" value="Vegan"' in page
    assert 'value="Policy" checked' in page
    bad = client.post(
        f"/r/{token}/answers", data={"q_diet": "a\nb", "q_terms": "yes"}, headers=SAME_ORIGIN
    )
    assert bad.status_code == 400
    assert_error_summary(bad.text, ["details-q-diet", "details-q-track"])
    assert 'value="Vegan"' not in bad.text  # the input as sent, not as stored
    good = client.post(
        f"/r/{token}/answers",
        data={"q_diet": "Vegetarian", "q_track": "Research", "q_terms": "yes"},
        headers=SAME_ORIGIN,
        follow_redirects=False,
    )
    assert good.status_code == 303
    assert good.headers["location"] == f"/r/{token}?saved=1"
    [registration] = _stored(db)
    assert [a["value"] for a in registration.answers] == ["Vegetarian", "Research", True]
    # Once cancelled, the answers are shown and can no longer be changed.
    cancel_by_token(db, now, notifier, token)
    page = client.get(f"/r/{token}").text
    assert "Save my answers" not in page
    assert '<dt translate="no">Which track?</dt><dd translate="no">Research</dd>' in page
    refused = client.post(
        f"/r/{token}/answers", data={"q_track": "Policy", "q_terms": "yes"},
        headers=SAME_ORIGIN, follow_redirects=False,
    )  # fmt: skip
    assert refused.status_code == 303
    assert "saved" not in refused.headers["location"]
    assert [a["value"] for a in _stored(db)[0].answers] == ["Vegetarian", "Research", True]
    assert event.id is not None


def test_the_data_download_holds_the_answers(
    client: TestClient, db: Database, now: datetime, notifier: Notifier
) -> None:
    event = _event(db, now)
    register_with_answers(db, now, notifier, event.id, {"track": "Policy", "terms": True})
    register_form(client, "talk", **GOOD, email="grace@example.org", q_diet="Halal")
    token = last_token(db, "grace@example.org")
    data = client.get(f"/r/{token}/data.json").json()
    assert data["registration"]["answers"][0] == {
        "key": "diet", "label": "Dietary needs", "kind": "text", "value": "Halal"
    }  # fmt: skip
