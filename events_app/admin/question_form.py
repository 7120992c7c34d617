"""The back office's form for one registration question (events/questions.py): what it sent,
read into a Question, or an error code per field that the template words. The rules stay in
the Question model; this only names which field broke which."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from events_app.admin.form_errors import FormInput, text
from events_app.events.questions import CHOICE_KINDS, Question, QuestionKind
from events_app.validation_errors import FieldError, errors_by_field

FIELDS = ("key", "label", "kind", "help", "choices")


def read_form(raw: FormInput) -> dict[str, Any]:
    """The fields as sent, for showing the form again."""
    form: dict[str, Any] = {name: text(raw, name) for name in FIELDS}
    form["required"] = bool(text(raw, "required"))
    return form


def blank_form() -> dict[str, Any]:
    return {"key": "", "label": "", "kind": QuestionKind.text.value, "help": "",
            "choices": "", "required": False}  # fmt: skip


def form_from_question(question: Question) -> dict[str, Any]:
    return question.record() | {"choices": "\n".join(question.choices)}


def _choices(form: dict[str, Any]) -> list[str]:
    lines = (line.strip() for line in str(form["choices"]).splitlines())
    return [line for line in lines if line]


def _code(error: FieldError, value: object) -> str:
    kind, message = error.kind, error.message
    if error.field == "choices":
        if "at least two" in message:
            return "choices_needed"
        if "different" in message:
            return "choices_repeated"
        if "only choice" in message:
            return "choices_unwanted"
        if kind == "too_long":
            return "choices_too_many"
    if kind in ("missing", "string_too_short") and not str(value or "").strip():
        return "required"
    if kind in ("string_too_long", "too_long"):
        return "too_long"
    if error.field == "key":
        return "key"
    if error.field == "kind":
        return "choice"
    return "single_line"


def to_question(form: dict[str, Any]) -> tuple[Question | None, dict[str, str]]:
    """The form as a Question, or None and an error code per field."""
    values = {name: form[name] for name in ("key", "label", "kind", "help", "required")}
    values["key"] = str(values["key"]).strip().lower()
    # Choices typed for a question that offers none (its kind changed): dropped, not refused.
    values["choices"] = _choices(form) if values["kind"] in CHOICE_KINDS else []
    try:
        return Question.model_validate(values), {}
    except ValidationError as exc:
        errors = _codes(exc, values)
    if "choices" not in errors and "kind" not in errors:
        # The choices' rules run once every field is valid: check them on their own too, so
        # that the organiser sees every problem at once.
        try:
            Question.model_validate(values | {"key": "k", "label": "l", "help": ""})
        except ValidationError as exc:
            errors |= {k: v for k, v in _codes(exc, values).items() if k == "choices"}
    return None, errors


def _codes(exc: ValidationError, values: dict[str, Any]) -> dict[str, str]:
    return {field: _code(error, values.get(field)) for field, error in errors_by_field(exc).items()}
