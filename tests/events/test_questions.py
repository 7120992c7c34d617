"""An event's questions: the rules of one question and of a list, and the back office's
changes to them (audited, and never making answers already given unreadable)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlmodel import col

from events_app.db import Database
from events_app.events import question_writes as writes
from events_app.events.questions import Question, check_list, questions_of
from events_app.models import AuditEntry, Event, User
from events_app.registration.notify import Notifier
from tests.factories import SAMPLE_QUESTIONS, make_event, make_user, set_questions
from tests.registration.helpers import register_with_answers


def _question(**values: Any) -> Question:
    return Question.model_validate({"key": "q", "label": "A question", "kind": "text", **values})


def test_a_question_is_checked_field_by_field() -> None:
    assert _question(label="  Diet  ").label == "Diet"
    for bad in (
        {"key": "Has Space"},
        {"key": "1starts_with_digit"},
        {"label": ""},
        {"label": "two\nlines"},
        {"label": "x" * 201},
        {"kind": "file"},
        {"help": "a\rb"},
        {"choices": ["a", "b"]},  # a text question offers no choices
        {"kind": "choice", "choices": ["only one"]},
        {"kind": "multi", "choices": ["Same", "same"]},
        {"kind": "choice", "choices": ["a", "b\x00"]},
        {"surprise": 1},
    ):
        with pytest.raises(ValidationError):
            _question(**bad)
    assert _question(kind="multi", choices=["a", "b", "c"]).choices == ["a", "b", "c"]


def test_a_list_has_different_keys_and_a_limit() -> None:
    check_list(questions_of(SAMPLE_QUESTIONS))
    with pytest.raises(ValueError, match="diet"):
        check_list(questions_of([SAMPLE_QUESTIONS[0], SAMPLE_QUESTIONS[0]]))
    with pytest.raises(ValueError, match="at most"):
        check_list([_question(key=f"q{i}") for i in range(21)])


def _stored(db: Database, event_id: int | None) -> list[str]:
    with db.read() as session:
        event = session.get(Event, event_id)
        assert event is not None
        return [question["key"] for question in event.questions]


def _run(db: Database, now: datetime, user: User, change: Any, **args: Any) -> Event | None:
    with db.write() as session:
        result: Event | None = change(session=session, now=now, actor=user, **args)
        return result


def test_adding_moving_and_removing_questions_is_audited(db: Database, now: datetime) -> None:
    event, user = make_event(db, now), make_user(db, now)
    for record in SAMPLE_QUESTIONS:
        question = Question.model_validate(record)
        _run(db, now, user, writes.add_question, event_id=event.id, question=question)
    assert _stored(db, event.id) == ["diet", "track", "terms"]
    _run(db, now, user, writes.move_question, event_id=event.id, key="terms", step=-1)
    _run(db, now, user, writes.move_question, event_id=event.id, key="diet", step=-1)  # stays
    assert _stored(db, event.id) == ["diet", "terms", "track"]
    _run(db, now, user, writes.remove_question, event_id=event.id, key="diet")
    assert _stored(db, event.id) == ["terms", "track"]
    with db.read() as session:
        entries = session.scalars(
            select(AuditEntry).where(col(AuditEntry.action) == "event.questions")
        ).all()
    assert len(entries) == 5  # the move that changed nothing is not logged
    last = entries[-1]
    assert last.target_id == str(event.id)
    assert last.actor_id == user.id
    assert [q["key"] for q in (last.before or {})["questions"]] == ["diet", "terms", "track"]
    assert [q["key"] for q in (last.after or {})["questions"]] == ["terms", "track"]


def test_a_taken_key_or_a_removed_question_is_refused(db: Database, now: datetime) -> None:
    event, user = make_event(db, now), make_user(db, now)
    set_questions(db, now, event.id, SAMPLE_QUESTIONS)
    with pytest.raises(writes.QuestionRefused) as taken:
        _run(db, now, user, writes.add_question, event_id=event.id, question=_question(key="diet"))
    assert taken.value.errors == {"key": "taken"}
    with pytest.raises(writes.QuestionRefused) as gone:
        _run(db, now, user, writes.remove_question, event_id=event.id, key="nothing")
    assert gone.value.errors == {"question": "gone"}
    assert _run(db, now, user, writes.remove_question, event_id=0, key="diet") is None


def test_editing_or_removing_a_question_keeps_the_answers_readable(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    event, user = make_event(db, now), make_user(db, now)
    set_questions(db, now, event.id, SAMPLE_QUESTIONS)
    registration = register_with_answers(
        db, now, notifier, event.id, {"diet": "Vegan", "track": "Policy", "terms": True}
    )
    reworded = Question.model_validate(
        SAMPLE_QUESTIONS[1] | {"label": "Your track", "choices": ["Law", "Science"]}
    )
    _run(db, now, user, writes.update_question, event_id=event.id, question=reworded)
    _run(db, now, user, writes.remove_question, event_id=event.id, key="diet")
    with db.read() as session:
        stored = session.get(type(registration), registration.id)
        assert stored is not None
        assert stored.answers == [
            {"key": "diet", "label": "Dietary needs", "kind": "text", "value": "Vegan"},
            {"key": "track", "label": "Which track?", "kind": "choice", "value": "Policy"},
            {"key": "terms", "label": "I accept the code of conduct", "kind": "checkbox",
             "value": True},
        ]  # fmt: skip
