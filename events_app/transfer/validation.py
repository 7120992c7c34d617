"""Checking one incoming record against EventCreate / ArticleCreate, with problems worded for
the person who wrote the file: `starts_at: needs a UTC offset`, not a pydantic error dump."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError

from events_app.events.questions import Question, check_list, records
from events_app.events.records import QUESTIONS_KEY
from events_app.events.schemas import ArticleCreate, EventCreate
from events_app.transfer.records import ARTICLE_KEYS, EVENT_KEYS, Record
from events_app.validation_errors import FieldError, all_errors

# The schema reads a time without an offset as wall-clock time in the event's timezone; the
# file format asks for the offset, so that a file means the same wherever it was written.
_MOMENT_KEYS = ("starts_at", "ends_at")
_OFFSET_EXAMPLE = "for example 2026-12-08T14:00:00+08:00"
_PYDANTIC_OPENINGS = ("Input should", "String should", "Value should", "List should")
# A cover image: the import fetches `image_url` (transfer/images.py) and hands the stored
# image's key on as `image`; `image_alt` is its alternative text.
IMAGE_KEYS = ("image", "image_alt")
UID_MAX_LENGTH = 120  # Event.uid
SEQUENCE_MAX = 2**31 - 1  # a PostgreSQL integer
_UID_REFUSED = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Identity:
    """An event's calendar identity as given in a record; None: not given."""

    uid: str | None = None
    sequence: int | None = None


class RecordProblems(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _where(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _length_message(error: FieldError) -> str:
    ctx, value = error.ctx, error.input
    unit = "characters" if isinstance(value, str) else "items"
    if ctx.get("min_length") == 1:
        return "must not be empty"
    if "min_length" in ctx:
        return f"must be at least {ctx['min_length']} {unit}"
    return f"must be at most {ctx.get('max_length')} {unit} (it has {ctx.get('actual_length')})"


def _message(error: FieldError) -> str:
    kind = error.kind
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a key of the import format"
    if kind in ("too_short", "too_long", "string_too_short", "string_too_long"):
        return _length_message(error)
    if kind == "string_pattern_mismatch" and error.field in ("slug", "articles"):
        return "must be lowercase letters and digits joined by single hyphens, e.g. open-day-2026"
    message = error.message
    for opening in _PYDANTIC_OPENINGS:
        if message.startswith(opening):
            message = "must" + message.removeprefix(opening)
    return message


def describe(exc: ValidationError, *, skip: frozenset[str] = frozenset()) -> list[str]:
    """One line per problem; `skip`: fields whose problem was already reported."""
    problems: list[str] = []
    for error in all_errors(exc):
        if error.loc and error.field in skip:
            continue
        where = _where(error.loc) if error.loc else error.field
        message = _message(error)
        problem = f"{where}: {message}" if where else message
        if problem not in problems:
            problems.append(problem)
    return problems


def _moment(value: Any) -> date | datetime:
    if isinstance(value, date):  # iCalendar hands over date and datetime objects
        return value
    if not isinstance(value, str):
        raise ValueError(f"must be an ISO 8601 date or date-time, {_OFFSET_EXAMPLE}")
    text = value.strip()
    try:
        if len(text) <= 10:
            return date.fromisoformat(text)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"{value!r} is not an ISO 8601 date or date-time, {_OFFSET_EXAMPLE}"
        ) from None
    if moment.tzinfo is None:
        raise ValueError(f"needs a UTC offset, {_OFFSET_EXAMPLE}")
    return moment


def _checked_keys(values: Any, keys: tuple[str, ...]) -> tuple[Record, list[str]]:
    if not isinstance(values, dict):
        raise RecordProblems(["must be an object with the keys " + ", ".join(keys)])
    unknown = [str(key) for key in values if key not in keys]
    return (
        {key: value for key, value in values.items() if key in keys},
        [f"{key}: is not a key of the import format" for key in unknown],
    )


def given_uid(values: Any) -> str | None:
    """The UID a record names, before validation: what it is matched by."""
    uid = values.get("uid") if isinstance(values, dict) else None
    return (uid.strip() or None) if isinstance(uid, str) else None


def _identity(record: Record, problems: list[str]) -> Identity:
    uid, sequence = record.pop("uid", None), record.pop("sequence", None)
    if uid is not None:
        if not isinstance(uid, str) or not uid.strip():
            problems.append("uid: must be a non-empty string (or left out for a new UID)")
        elif len(uid.strip()) > UID_MAX_LENGTH:
            problems.append(f"uid: must be at most {UID_MAX_LENGTH} characters")
        elif _UID_REFUSED.search(uid):
            problems.append("uid: must be one line without control characters")
    whole = isinstance(sequence, int) and not isinstance(sequence, bool)
    if sequence is not None and not (whole and 0 <= sequence <= SEQUENCE_MAX):
        problems.append(f"sequence: must be a whole number from 0 to {SEQUENCE_MAX}")
    return Identity(given_uid({"uid": uid}), sequence)


def _questions(record: Record, problems: list[str]) -> list[dict[str, Any]] | None:
    """The record's questions as stored records; None when it has none (keep the stored)."""
    if QUESTIONS_KEY not in record:
        return None
    given = record.pop(QUESTIONS_KEY)
    if not isinstance(given, list):
        problems.append(f"{QUESTIONS_KEY}: must be a list of questions")
        return None
    questions: list[Question] = []
    for index, item in enumerate(given):
        try:
            questions.append(Question.model_validate(item))
        except ValidationError as exc:
            problems += [f"{QUESTIONS_KEY}[{index}].{line}" for line in describe(exc)]
    try:
        check_list(questions)
    except ValueError as exc:
        problems.append(f"{QUESTIONS_KEY}: {exc}")
    return records(questions)


def validate_event(
    values: Any, *, kept: Record
) -> tuple[EventCreate, Identity, list[dict[str, Any]] | None]:
    """`kept`: values of fields outside the format, taken from the event being updated. The
    third value: the record's questions, or None when it names none."""
    record, problems = _checked_keys(values, EVENT_KEYS + IMAGE_KEYS)
    identity = _identity(record, problems)
    questions = _questions(record, problems)
    bad_moments: set[str] = set()
    for key in _MOMENT_KEYS:
        if record.get(key) is None:
            continue
        try:
            record[key] = _moment(record[key])
        except ValueError as exc:
            problems.append(f"{key}: {exc}")
            bad_moments.add(key)
    try:
        data = EventCreate.model_validate({**kept, **record})
    except ValidationError as exc:
        problems += describe(exc, skip=frozenset(bad_moments))
    if problems:
        raise RecordProblems(problems)
    return data, identity, questions


def validate_article(values: Any, *, kept: Record | None = None) -> ArticleCreate:
    """`kept`: the stored article's cover image, which a record without one leaves as it is."""
    record, problems = _checked_keys(values, ARTICLE_KEYS + IMAGE_KEYS)
    try:
        data = ArticleCreate.model_validate({**(kept or {}), **record})
    except ValidationError as exc:
        problems += describe(exc)
    if problems:
        raise RecordProblems(problems)
    return data
