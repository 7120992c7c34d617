"""An event's own registration questions: what one is, and the rules a list of them keeps.

A question is stored on its event (`Event.questions`, a JSON list in form order) as the record
the transfer format also uses: {"key", "label", "kind", "required", "help", "choices"}. The
key names the answer in the API, the CSV and the attendee's data; it never changes once the
question exists, so a renamed label is still the same question. Answers keep the question as
it was asked (registration/answers.py), so nothing here has to protect old answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from events_app.plain_text import single_line

MAX_QUESTIONS = 20
MAX_CHOICES = 20
KEY_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
QUESTION_KEYS = ("key", "label", "kind", "required", "help", "choices")


class QuestionKind(StrEnum):
    text = "text"  # one line
    textarea = "textarea"  # several lines
    choice = "choice"  # one of the choices
    multi = "multi"  # any number of the choices
    checkbox = "checkbox"  # an agreement: ticked or not


CHOICE_KINDS = (QuestionKind.choice, QuestionKind.multi)

Line = Annotated[str, BeforeValidator(single_line)]


class Question(BaseModel):
    """One question. A rule across fields names its field first ("choices: ..."), which is
    how validation_errors.py gives it to that field."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid", frozen=True)

    key: Annotated[
        str,
        Field(
            min_length=1,
            max_length=40,
            pattern=KEY_PATTERN,
            description="Names the answer: lowercase letters, digits and _, from a letter.",
        ),
    ]
    label: Annotated[Line, Field(min_length=1, max_length=200)]
    kind: QuestionKind
    required: bool = False
    help: Annotated[Line, Field(max_length=500)] = ""
    choices: Annotated[
        list[Annotated[Line, Field(min_length=1, max_length=200)]],
        Field(max_length=MAX_CHOICES, description="For `choice` and `multi` only."),
    ] = []

    @model_validator(mode="after")
    def _choices_fit_the_kind(self) -> Question:
        if self.kind in CHOICE_KINDS:
            if len(self.choices) < 2:
                raise ValueError("choices: a choice question needs at least two choices")
            if len({choice.casefold() for choice in self.choices}) != len(self.choices):
                raise ValueError("choices: each choice must be different")
        elif self.choices:
            raise ValueError("choices: only choice and multi questions have choices")
        return self

    def record(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def questions_of(stored: Iterable[Mapping[str, Any]]) -> list[Question]:
    """The questions an event stores, as Question objects (already checked when saved)."""
    return [Question.model_validate(item) for item in stored]


def check_list(questions: list[Question]) -> None:
    """The rules of a whole list: raises ValueError naming what is wrong."""
    if len(questions) > MAX_QUESTIONS:
        raise ValueError(f"at most {MAX_QUESTIONS} questions")
    keys = [question.key for question in questions]
    doubled = sorted({key for key in keys if keys.count(key) > 1})
    if doubled:
        raise ValueError("each key must be different: " + ", ".join(doubled) + " is repeated")


def records(questions: Iterable[Question]) -> list[dict[str, Any]]:
    return [question.record() for question in questions]
