"""Pydantic's errors from EventCreate and ArticleCreate as one Problem per form field, in the
codes the back office's templates word (through gettext), so that the rules stay in the
schemas and the words stay in the templates."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from pydantic import ValidationError

from events_app.admin.local_times import Problem
from events_app.markdown import MAX_BRACKETS
from events_app.slugs import slugify
from events_app.validation_errors import FieldError, errors_by_field

MAX_CHOICES = 50  # what the schemas allow for categories and linked records


class FormInput(Protocol):
    """What a submitted form offers (Starlette's FormData, or a test's MultiDict)."""

    def get(self, key: str, /) -> Any: ...

    def getlist(self, key: str, /) -> list[Any]: ...


def text(form: FormInput, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def texts(form: FormInput, name: str) -> list[str]:
    """The distinct non-empty values of a multiple choice, in the order sent."""
    values = [value.strip() for value in form.getlist(name) if isinstance(value, str)]
    return list(dict.fromkeys(value for value in values if value))


def slug_from(title: str) -> str:
    """A URL slug made from a title, for when the organiser leaves the slug empty; "" for a
    title with no letter or digit."""
    return slugify(title, max_length=120)


def _code(error: FieldError, value: object) -> str:
    kind, message = error.kind, error.message
    if not error.loc:  # a rule across fields, about the field its message names
        if "between the years" in message:
            return "year_range"
        rules = {"ends_at": "end_before_start", "timezone": "timezone"}
        rules.update(latitude="position_pair", longitude="position_pair")
        return rules.get(error.field, "invalid")
    if kind in ("missing", "string_too_short", "too_short") and not str(value or "").strip():
        return "required"
    if kind == "string_pattern_mismatch":
        return "slug"
    if kind in ("string_too_long",):
        return "too_long"
    if kind == "too_long":
        return "too_many" if isinstance(value, list) else "too_long"
    if kind in ("greater_than_equal", "less_than_equal", "int_parsing", "int_type"):
        return "number"
    if kind in ("enum", "literal_error"):
        return "choice"
    if "http" in message:
        return "url"
    if "between the years" in message:
        return "year_range"
    if "control characters" in message:
        return "single_line"
    if "square brackets" in message:
        return "brackets"
    return "invalid"


def schema_problems(
    exc: ValidationError, values: Mapping[str, Any], *, renamed: Mapping[str, str] | None = None
) -> dict[str, Problem]:
    """One Problem per field (the first pydantic reports). `renamed` maps a schema field to
    the form field that carries it (an all-day event's `starts_at` is its `start_date`); a
    rule across fields that names none is the whole form's."""
    renamed = renamed or {}
    problems: dict[str, Problem] = {}
    for name, error in errors_by_field(exc).items():
        name = name or "form"
        code = _code(error, values.get(name))
        params = {"count": f"{MAX_BRACKETS:,}"} if code == "brackets" else {}
        problems.setdefault(renamed.get(name, name), Problem(code, params))
    return problems
