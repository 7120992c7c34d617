"""Answers to an event's questions: checked alike for every way in, stored with the question
as asked, changed by the attendee while active, exported and erased with their data."""

from __future__ import annotations

from datetime import datetime

import pytest
from starlette.datastructures import FormData

from events_app.db import Database
from events_app.events.questions import questions_of
from events_app.models import Registration
from events_app.registration.answers import (
    AnswersClosed,
    as_text,
    change_answers,
    check_answers,
    form_answers,
)
from events_app.registration.notify import Notifier
from events_app.registration.privacy import delete_registration, export_registration
from events_app.registration.service import cancel_registration
from tests.factories import SAMPLE_QUESTIONS, make_event, set_questions
from tests.registration.helpers import register_with_answers

QUESTIONS = questions_of(
    [
        *SAMPLE_QUESTIONS,
        {"key": "notes", "label": "Notes", "kind": "textarea"},
        {"key": "topics", "label": "Topics", "kind": "multi", "choices": ["AI", "Data", "Law"]},
    ]
)
GOOD = {"track": "Policy", "terms": True}


def _errors(given: dict[str, object]) -> dict[str, str]:
    return check_answers(QUESTIONS, given)[1]


def test_good_answers_are_stored_in_question_order_with_their_labels() -> None:
    answers, errors = check_answers(
        QUESTIONS,
        {"topics": ["Law", "AI"], "notes": "line one\r\nline two ", **GOOD, "diet": " none "},
    )
    assert errors == {}
    assert [(a["key"], a["value"]) for a in answers] == [
        ("diet", "none"),
        ("track", "Policy"),
        ("terms", True),
        ("notes", "line one\nline two"),
        ("topics", ["AI", "Law"]),  # in the order the question offers them
    ]
    assert answers[1]["label"] == "Which track?"
    assert answers[1]["kind"] == "choice"
    assert as_text(answers[4], yes="yes") == "AI; Law"
    assert as_text(answers[2], yes="oui") == "oui"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({}, {"track": "required", "terms": "required"}),
        ({"track": "Policy", "terms": False}, {"terms": "required"}),
        ({**GOOD, "diet": "one\r\nInjected: header"}, {"diet": "single_line"}),
        ({**GOOD, "diet": "x" * 100_000}, {"diet": "too_long"}),
        ({**GOOD, "notes": "x" * 100_000}, {"notes": "too_long"}),
        ({**GOOD, "diet": "bell\x07"}, {"diet": "single_line"}),
        ({**GOOD, "notes": "nul\x00 here"}, {"notes": "plain_text"}),
        ({**GOOD, "notes": "flip\u202eme"}, {"notes": "plain_text"}),
        ({**GOOD, "surprise": "x"}, {"surprise": "unknown"}),
        ({"track": "Astrology", "terms": True}, {"track": "choice"}),
        ({**GOOD, "topics": ["AI", "Cooking"]}, {"topics": "choice"}),
        ({**GOOD, "topics": "AI"}, {"topics": "invalid"}),
        ({"track": ["Policy"], "terms": "yes"}, {"track": "invalid", "terms": "invalid"}),
        ({**GOOD, "diet": 42}, {"diet": "invalid"}),
    ],
)
def test_hostile_or_missing_answers_are_refused_by_field(
    given: dict[str, object], expected: dict[str, str]
) -> None:
    assert _errors(given) == expected


def test_a_form_gives_its_question_fields_only() -> None:
    form = FormData(
        [("name", "Ada"), ("q_track", "Policy"), ("q_terms", "yes"), ("q_topics", "AI"),
         ("q_topics", "Data"), ("q_gone", "old")]
    )  # fmt: skip
    given = form_answers(QUESTIONS, form)
    assert given == {"track": "Policy", "terms": True, "topics": ["AI", "Data"], "gone": "old"}
    assert _errors(given) == {"gone": "unknown"}


def _load(db: Database, registration_id: int | None) -> Registration:
    with db.read() as session:
        found = session.get(Registration, registration_id)
        assert found is not None
        return found


def test_the_attendee_changes_answers_while_active_and_keeps_old_ones(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now)
    set_questions(db, now, event.id, SAMPLE_QUESTIONS)
    registration = register_with_answers(db, now, notifier, event.id, {"diet": "Vegan", **GOOD})
    asked_now = questions_of(SAMPLE_QUESTIONS[1:])  # "diet" was removed since
    new, errors = check_answers(asked_now, {"track": "Research", "terms": True})
    assert errors == {}
    with db.write() as session:
        stored = session.get(Registration, registration.id)
        assert stored is not None
        change_answers(
            session=session, now=now, registration=stored, answers=new, questions=asked_now
        )
    values = {a["key"]: a["value"] for a in _load(db, registration.id).answers}
    assert values == {"track": "Research", "terms": True, "diet": "Vegan"}
    with db.write() as session:
        stored = session.get(Registration, registration.id)
        assert stored is not None
        cancel_registration(session=session, now=now, registration=stored, notifier=notifier)
        with pytest.raises(AnswersClosed):
            change_answers(
                session=session, now=now, registration=stored, answers=[], questions=asked_now
            )


def test_answers_are_in_the_data_download_and_gone_after_deletion(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now)
    set_questions(db, now, event.id, SAMPLE_QUESTIONS)
    registration = register_with_answers(db, now, notifier, event.id, {"diet": "Vegan", **GOOD})
    with db.write() as session:
        stored = session.get(Registration, registration.id)
        assert stored is not None
        data = export_registration(session=session, registration=stored)
        assert data["registration"]["answers"][0] == {
            "key": "diet", "label": "Dietary needs", "kind": "text", "value": "Vegan"
        }  # fmt: skip
        delete_registration(session=session, now=now, registration=stored, notifier=notifier)
    with db.read() as session:
        assert session.get(Registration, registration.id) is None
        rows = session.connection().exec_driver_sql("SELECT answers FROM registration").all()
        assert all("Vegan" not in str(row) for row in rows)
