"""An event's registration questions in the back office: the page linked from the event's,
adding (with field errors and the input kept), editing, reordering and removing, audited;
a duplicated event asking the same questions."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col
from starlette.testclient import TestClient

from events_app.db import Database
from events_app.models import AuditEntry, Event, Registration, UserRole
from events_app.registration.notify import Notifier
from tests.admin.event_helpers import post_event_form, stored_form
from tests.admin.web_helpers import post_form, sign_in
from tests.factories import SAMPLE_QUESTIONS, make_event, make_user, set_questions
from tests.registration.helpers import register_with_answers
from tests.support.error_summary import assert_error_summary

PAGE = "/admin/events/talk/questions"


def _talk(session: Session) -> Event:
    return session.scalars(select(Event).where(col(Event.slug) == "talk")).one()


def _keys(db: Database) -> list[str]:
    with db.read() as session:
        event = _talk(session)
        return [question["key"] for question in event.questions]


def _signed_in(client: TestClient, db: Database, now: datetime) -> None:
    make_event(db, now, slug="talk")
    sign_in(client, make_user(db, now, role=UserRole.editor))


def _add(client: TestClient, **fields: Any) -> Any:
    values = {"label": "Dietary needs", "key": "diet", "kind": "text", "help": "", "choices": ""}
    return post_form(client, PAGE, PAGE, **(values | fields))


def test_the_event_page_links_to_its_questions(
    client: TestClient, db: Database, now: datetime
) -> None:
    _signed_in(client, db, now)
    assert f'href="{PAGE}"' in client.get("/admin/events/talk").text
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "No questions yet" in page.text
    client.cookies.clear()
    assert client.get(PAGE, follow_redirects=False).status_code == 303  # to the sign-in


def test_an_organiser_adds_questions_and_the_public_form_asks_them(
    client: TestClient, db: Database, now: datetime
) -> None:
    _signed_in(client, db, now)
    assert 'name="q_diet"' not in client.get("/events/talk").text  # now in the page cache
    added = _add(client)
    assert added.status_code == 303
    assert added.headers["location"] == f"{PAGE}?done=added"
    choice = _add(
        client, label="Which track?", key="track", kind="choice", required="yes",
        choices="Policy\r\n\r\nResearch\n",
    )  # fmt: skip
    assert choice.status_code == 303
    assert _keys(db) == ["diet", "track"]
    with db.read() as session:
        event = _talk(session)
        assert event.questions[1] == {
            "key": "track", "label": "Which track?", "kind": "choice", "required": True,
            "help": "", "choices": ["Policy", "Research"],
        }  # fmt: skip
    public = client.get("/events/talk").text
    assert 'name="q_diet"' in public
    assert 'name="q_track"' in public


def test_a_bad_question_comes_back_with_its_errors_and_input(
    client: TestClient, db: Database, now: datetime
) -> None:
    _signed_in(client, db, now)
    response = _add(
        client, label="Two\nlines", key="Bad Key", kind="multi", choices="Only one", help="x" * 501
    )
    assert response.status_code == 400
    assert_error_summary(response.text, ["new-label", "new-key", "new-choices", "new-help"])
    assert "Give at least two choices, one per line." in response.text
    assert 'value="Bad Key"' in response.text
    assert ">Only one</textarea>" in response.text
    assert '<option value="multi" selected>' in response.text
    assert _keys(db) == []
    _add(client)
    taken = _add(client, label="Diet again")
    assert taken.status_code == 400
    assert_error_summary(taken.text, ["new-key"])
    assert "Another question of this event has this key." in taken.text
    unknown_kind = _add(client, key="other", kind="file")
    assert unknown_kind.status_code == 400
    assert_error_summary(unknown_kind.text, ["new-kind"])


def test_editing_moving_and_removing(client: TestClient, db: Database, now: datetime) -> None:
    _signed_in(client, db, now)
    with db.read() as session:
        event_id = _talk(session).id
    set_questions(db, now, event_id, SAMPLE_QUESTIONS)
    edit = f"{PAGE}/track"
    page = client.get(edit).text
    assert 'value="Which track?"' in page
    assert "Policy\nResearch</textarea>" in page
    bad = post_form(client, edit, edit, label="", kind="choice", choices="A\nB", help="")
    assert bad.status_code == 400
    assert_error_summary(bad.text, ["edit-label"])
    good = post_form(
        client, edit, edit, label="Your track", kind="choice", choices="Law\nScience",
        key="hijacked", required="yes",
    )  # fmt: skip
    assert good.status_code == 303
    assert _keys(db) == ["diet", "track", "terms"]  # the key stays
    move = post_form(client, PAGE, f"{PAGE}/terms/move", direction="up")
    assert move.status_code == 303
    assert _keys(db) == ["diet", "terms", "track"]
    assert post_form(client, PAGE, f"{PAGE}/terms/move", direction="sideways").status_code == 400
    removed = post_form(client, PAGE, f"{PAGE}/diet/remove")
    assert removed.headers["location"] == f"{PAGE}?done=removed"
    assert _keys(db) == ["terms", "track"]
    gone = post_form(client, PAGE, f"{PAGE}/diet/remove")
    assert gone.status_code == 409
    assert "This question has been removed meanwhile." in gone.text
    assert client.get(f"{PAGE}/diet").status_code == 404
    assert client.get("/admin/events/nothing/questions").status_code == 404
    with db.read() as session:
        actions = [entry.action for entry in session.scalars(select(AuditEntry)).all()]
    assert actions.count("event.questions") == 3


def test_the_csv_and_the_registration_page_show_the_answers_even_to_removed_questions(
    client: TestClient, db: Database, now: datetime, notifier: Notifier
) -> None:
    _signed_in(client, db, now)
    with db.read() as session:
        event_id = _talk(session).id
    set_questions(db, now, event_id, SAMPLE_QUESTIONS)
    given = {"diet": '=HYPERLINK("http://x")', "track": "Policy", "terms": True}
    first = register_with_answers(db, now, notifier, event_id, given, email="a@example.org")
    post_form(client, PAGE, f"{PAGE}/diet/remove")
    post_form(
        client, f"{PAGE}/track", f"{PAGE}/track", label="Your track", kind="choice",
        choices="Policy\nResearch", required="yes",
    )  # fmt: skip
    register_with_answers(
        db, now, notifier, event_id, {"track": "Research", "terms": True}, email="b@example.org"
    )
    response = client.get("/admin/events/talk/registrations.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[0]
    assert header[-3:] == ["Your track", "I accept the code of conduct", "Dietary needs"]
    by_email = {row[1]: row[-3:] for row in rows[1:]}
    assert by_email["a@example.org"] == ["Policy", "yes", '\'=HYPERLINK("http://x")']
    assert by_email["b@example.org"] == ["Research", "yes", ""]
    detail = client.get(f"/admin/events/talk/registrations/{first.id}").text
    assert '<dt translate="no">Dietary needs</dt><dd translate="no">=HYPERLINK' in detail
    assert '<dt translate="no">Which track?</dt><dd translate="no">Policy</dd>' in detail


def test_a_twenty_first_question_is_refused_at_the_form(
    client: TestClient, db: Database, now: datetime
) -> None:
    _signed_in(client, db, now)
    with db.read() as session:
        event_id = _talk(session).id
    twenty = [{"key": f"q{i}", "label": f"Question {i}", "kind": "text"} for i in range(20)]
    set_questions(db, now, event_id, twenty)
    response = _add(client)
    assert response.status_code == 400
    assert_error_summary(response.text, ["new-label"])
    assert "An event can ask at most 20 questions." in response.text
    assert 'value="Dietary needs"' in response.text


def test_a_copy_asks_the_same_questions_under_the_same_rules_without_the_answers(
    client: TestClient, db: Database, now: datetime, notifier: Notifier
) -> None:
    talk = make_event(db, now, slug="talk", approval_required=True, max_guests=2)
    sign_in(client, make_user(db, now, role=UserRole.editor))
    set_questions(db, now, talk.id, SAMPLE_QUESTIONS)
    given = {"diet": "None", "track": "Policy", "terms": True}
    register_with_answers(db, now, notifier, talk.id, given)
    page = client.get("/admin/events/talk/duplicate").text
    assert "The copy asks the same registration questions as the original" in page
    assert 'name="approval_required" type="checkbox" value="1" checked' in page
    guests = re.search(r'<input[^>]*name="max_guests"[^>]*>', page)
    assert guests is not None
    assert 'value="2"' in guests.group(0)
    form = stored_form(db, "talk") | {"slug": "talk-copy"}
    created = post_event_form(client, "/admin/events/new", form, copied_from="talk")
    assert created.status_code == 303
    with db.read() as session:
        copy = session.scalars(select(Event).where(col(Event.slug) == "talk-copy")).one()
        assert copy.questions == _talk(session).questions
        assert [question["key"] for question in copy.questions] == ["diet", "track", "terms"]
        assert (copy.approval_required, copy.max_guests) == (True, 2)
        owners = session.scalars(select(col(Registration.event_id))).all()
        assert owners == [talk.id]  # the answers stay with the original
        entry = session.scalars(select(AuditEntry).order_by(col(AuditEntry.id).desc())).first()
        assert entry is not None
        assert entry.after["copied_from"] == "talk"  # type: ignore[index]
        assert len(entry.after["questions"]) == 3  # type: ignore[index]
    gone = stored_form(db, "talk") | {"slug": "copy-of-nothing"}
    orphan = post_event_form(client, "/admin/events/new", gone, copied_from="nothing")
    assert orphan.status_code == 303  # the original was deleted meanwhile: a copy without
    with db.read() as session:
        lone = session.scalars(select(Event).where(col(Event.slug) == "copy-of-nothing")).one()
        assert lone.questions == []
