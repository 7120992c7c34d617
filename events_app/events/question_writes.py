"""Changing an event's questions from the back office: add, edit, move, remove. Each change
is one write under the event's lock, drops the cached public page (it shows the form) and
goes to the audit log with the questions before and after.

Removing or rewording a question leaves the answers already given as they were: each
answer carries the question as it was asked (registration/answers.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session

from events_app.audit.records import record_audit
from events_app.content import mark_content_changed
from events_app.events.questions import MAX_QUESTIONS, Question, questions_of, records
from events_app.models import Event, User
from events_app.registration.service import lock_event

ACTION = "event.questions"


class QuestionRefused(ValueError):
    """A change the rules refuse; `errors` maps a form field to a code the page words:
    key 'taken', questions 'too_many', question 'gone' (removed meanwhile)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(f"{field}: {code}" for field, code in errors.items()))
        self.errors = errors


Change = Callable[[list[Question]], list[Question]]


def _change(
    *, session: Session, now: datetime, actor: User, event_id: int, change: Change
) -> Event | None:
    event = lock_event(session=session, event_id=event_id)
    if event is None:
        return None
    before = list(event.questions)
    after = records(change(questions_of(before)))
    if after == before:
        return event
    event.questions = after  # a new list: the JSON column sees the change
    event.updated_at = now
    mark_content_changed(session=session)
    record_audit(
        session=session, now=now, actor=actor, action=ACTION, target_type="event",
        target_id=event.id, target_label=event.title,
        before={"questions": before}, after={"questions": after},
    )  # fmt: skip
    return event


def _index(questions: list[Question], key: str) -> int:
    for index, question in enumerate(questions):
        if question.key == key:
            return index
    raise QuestionRefused({"question": "gone"})


def add_question(
    *, session: Session, now: datetime, actor: User, event_id: int, question: Question
) -> Event | None:
    def change(questions: list[Question]) -> list[Question]:
        if any(known.key == question.key for known in questions):
            raise QuestionRefused({"key": "taken"})
        if len(questions) >= MAX_QUESTIONS:
            raise QuestionRefused({"questions": "too_many"})
        return [*questions, question]

    return _change(session=session, now=now, actor=actor, event_id=event_id, change=change)


def update_question(
    *, session: Session, now: datetime, actor: User, event_id: int, question: Question
) -> Event | None:
    """Replace the question with `question.key` (the key itself never changes)."""

    def change(questions: list[Question]) -> list[Question]:
        index = _index(questions, question.key)
        return [*questions[:index], question, *questions[index + 1 :]]

    return _change(session=session, now=now, actor=actor, event_id=event_id, change=change)


def remove_question(
    *, session: Session, now: datetime, actor: User, event_id: int, key: str
) -> Event | None:
    def change(questions: list[Question]) -> list[Question]:
        index = _index(questions, key)
        return [*questions[:index], *questions[index + 1 :]]

    return _change(session=session, now=now, actor=actor, event_id=event_id, change=change)


def move_question(
    *, session: Session, now: datetime, actor: User, event_id: int, key: str, step: int
) -> Event | None:
    """One place up (step -1) or down (+1); at either end it stays."""

    def change(questions: list[Question]) -> list[Question]:
        index = _index(questions, key)
        target = min(max(index + step, 0), len(questions) - 1)
        moved = list(questions)
        moved.insert(target, moved.pop(index))
        return moved

    return _change(session=session, now=now, actor=actor, event_id=event_id, change=change)
