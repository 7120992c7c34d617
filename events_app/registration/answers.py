"""Answers to an event's own questions (events/questions.py): checked the same way for the
public form, the attendee's manage page and the API, and stored on the registration.

Each stored answer is {"key", "label", "kind", "value"}: the question as it was asked beside
what was answered, so that an answer stays readable in the back office, the CSV and the
attendee's data after the organiser rewords or removes the question. `value` is a string
(text, textarea, choice), a list of strings (multi) or true (checkbox); an optional question
left empty stores nothing.

Error codes, per question key (the pages and the API word them): required, too_long,
single_line, plain_text (a control character in several lines), choice (not one offered),
unknown (no such question), invalid (the wrong JSON type).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, WithJsonSchema
from sqlmodel import Session

from events_app.events.questions import MAX_CHOICES, MAX_QUESTIONS, Question, QuestionKind
from events_app.models import ACTIVE_STATUSES, Registration
from events_app.plain_text import is_single_line, plain_text

MAX_LINE = 500  # a text answer
MAX_TEXT = 2000  # a textarea answer (all of them fit in EVENTS_MAX_BODY_BYTES)
FIELD_PREFIX = "q_"  # a question's form field: q_<key>

Answer = dict[str, Any]
# What the API takes, before the event's questions are known: the shape and the sizes. The
# rules of each question are check_answers' (the same as the form's). Any JSON value is
# taken here and the wrong type refused by question ("invalid"), so that every error points
# at its answer (#/answers/<key>), not into a union's members.
GivenValue = Annotated[
    Any,
    WithJsonSchema(
        {
            "oneOf": [
                {"type": "string", "maxLength": MAX_TEXT},
                {"type": "array", "items": {"type": "string"}, "maxItems": MAX_CHOICES},
                {"type": "boolean"},
            ]
        }
    ),
]
_AnswerObject = Annotated[
    dict[Annotated[str, Field(max_length=40)], GivenValue],
    Field(
        max_length=MAX_QUESTIONS,
        description="Answers to the event's `questions`, by key: a string for `text`, "
        "`textarea` and `choice` (one of its `choices`), a list of strings for `multi`, "
        "true for a ticked `checkbox`. Keys the event does not ask are refused.",
    ),
]


def _none_as_empty(value: object) -> object:
    return {} if value is None else value


# null means none, as for the API's other optional fields (events_app/nulls.py), and the
# published schema says so.
GivenAnswers = Annotated[
    _AnswerObject,
    BeforeValidator(_none_as_empty, json_schema_input_type=_AnswerObject | None),
]


def _text(question: Question, value: object) -> tuple[Any, str | None]:
    if not isinstance(value, str):
        return None, "invalid"
    limit = MAX_LINE if question.kind == QuestionKind.text else MAX_TEXT
    if len(value) > limit:
        return None, "too_long"
    if question.kind == QuestionKind.text:
        if not is_single_line(value):
            return None, "single_line"
        return value.strip(), None
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    try:
        return plain_text(value).strip(), None
    except ValueError:
        return None, "plain_text"


def _value(question: Question, value: object) -> tuple[Any, str | None]:
    """(the value to store, or an empty one; an error code or None)."""
    if value is None:
        return None, None
    if question.kind in (QuestionKind.text, QuestionKind.textarea):
        return _text(question, value)
    if question.kind == QuestionKind.choice:
        if not isinstance(value, str):
            return None, "invalid"
        if value.strip() and value.strip() not in question.choices:
            return None, "choice"
        return value.strip(), None
    if question.kind == QuestionKind.multi:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            return None, "invalid"
        chosen = set(value)
        if not chosen <= set(question.choices):
            return None, "choice"
        return [choice for choice in question.choices if choice in chosen], None
    if not isinstance(value, bool):  # a checkbox
        return None, "invalid"
    return value, None


def check_answers(
    questions: Iterable[Question], given: Mapping[str, object]
) -> tuple[list[Answer], dict[str, str]]:
    """(the answers to store, in the questions' order; errors by question key)."""
    questions = list(questions)
    known = {question.key for question in questions}
    errors = {str(key): "unknown" for key in given if key not in known}
    answers: list[Answer] = []
    for question in questions:
        value, error = _value(question, given.get(question.key))
        if error is None and question.required and not value:
            error = "required"
        if error is not None:
            errors[question.key] = error
        elif value:
            answers.append(
                {"key": question.key, "label": question.label, "kind": str(question.kind),
                 "value": value}
            )  # fmt: skip
    return answers, errors


def form_answers(questions: Iterable[Question], form: Any) -> dict[str, object]:
    """What a submitted form answers (Starlette's FormData): every q_<key> field, known or
    not, so that a field for a question no longer asked is refused, not dropped unseen."""
    given: dict[str, object] = {}
    kinds = {question.key: question.kind for question in questions}
    for name in dict.fromkeys(form.keys()):
        if not name.startswith(FIELD_PREFIX):
            continue
        key, values = name.removeprefix(FIELD_PREFIX), form.getlist(name)
        texts = [value for value in values if isinstance(value, str)]
        if kinds.get(key) == QuestionKind.multi:
            given[key] = [value for value in texts if value]
        elif kinds.get(key) == QuestionKind.checkbox:
            given[key] = bool(texts and texts[0])
        else:
            given[key] = texts[0] if texts else ""
    return given


def merged(
    kept: Iterable[Answer], new: list[Answer], questions: Iterable[Question]
) -> list[Answer]:
    """The answers after the attendee changes them: the new ones for the questions asked now,
    and what they answered to questions since removed, as it was."""
    asked = {question.key for question in questions}
    return [*new, *(answer for answer in kept if answer.get("key") not in asked)]


def as_text(answer: Mapping[str, Any], *, yes: str) -> str:
    """An answer in one line of text (the CSV, the back office): choices joined by "; "."""
    value = answer.get("value")
    if value is True:
        return yes
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return "" if value is None or value is False else str(value)


def by_key(answers: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    return {str(answer.get("key")): answer for answer in answers}


class AnswersClosed(Exception):
    """The registration is no longer active (cancelled, expired): its answers stay as given."""


def change_answers(
    *,
    session: Session,
    now: datetime,
    registration: Registration,
    answers: list[Answer],
    questions: Iterable[Question],
) -> Registration:
    """The attendee's new answers (already checked) while the registration is active."""
    if registration.status not in ACTIVE_STATUSES:
        raise AnswersClosed(registration.status)
    registration.answers = merged(registration.answers, answers, questions)
    registration.updated_at = now
    session.add(registration)
    return registration
