"""Pydantic's validation errors read one way, for every place that shows them: the back
office's and the public forms, the JSON API's problem documents, the import's problem lines
and the command line.

Each error becomes a `FieldError` that says which field it is about and what went wrong:

- a nested location (`articles[2]`, `allowed_hosts[0]`) belongs to its top-level field, and
  keeps its full location for whoever points inside (the API's JSON pointers, the import);
- a rule across fields (a model validator, which pydantic reports without a location) names
  the field it is about at the start of its message, `ends_at: the event must end after it
  starts`; that field is the error's, and the name leaves the message. A message that names
  none belongs to the whole input (field "");
- the app's own validators raise `ValueError("must be ...")`: pydantic's "Value error, "
  opening leaves the message, and the exception itself is kept (`cause`), so a caller can
  tell its own kinds of error apart by class rather than by wording.

The messages are the English ones of the schemas, for operators and logs; pages and the API
word an error from its field and kind through gettext, in the reader's language.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

# What a model validator's message starts with when it is about one field ("ends_at: ...").
_NAMED = re.compile(r"^([a-z_][a-z0-9_]*): ")
# Pydantic's opening in front of the message a validator raised.
_OPENING = "Value error, "


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str  # the top-level field it is about; "" for the input as a whole
    kind: str  # pydantic's error type: missing, string_too_long, value_error ...
    message: str
    loc: tuple[int | str, ...] = ()  # where inside the input; () for a rule across fields
    input: Any = None
    ctx: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    cause: Exception | None = None  # what the app's own validator raised, if it did


def read_error(error: Mapping[str, Any]) -> FieldError:
    loc = tuple(error.get("loc") or ())
    ctx = error.get("ctx") or {}
    cause = ctx.get("error")
    message = str(error.get("msg", "")).removeprefix(_OPENING)
    name = str(loc[0]) if loc else ""
    if not loc:
        named = _NAMED.match(message)
        if named:
            name, message = named.group(1), message[named.end() :]
    return FieldError(
        field=name,
        kind=str(error["type"]),
        message=message,
        loc=loc,
        input=error.get("input"),
        ctx=ctx,
        cause=cause if isinstance(cause, Exception) else None,
    )


def all_errors(exc: ValidationError) -> list[FieldError]:
    """Every error, in pydantic's order."""
    return [read_error(error) for error in exc.errors()]


def errors_by_field(exc: ValidationError) -> dict[str, FieldError]:
    """One error per field: the first pydantic reports, which is the one a person fixes
    first (a missing value before its length)."""
    found: dict[str, FieldError] = {}
    for error in all_errors(exc):
        found.setdefault(error.field, error)
    return found


def messages_by_field(exc: ValidationError) -> dict[str, str]:
    """{field: message}, one per field."""
    return {name: error.message for name, error in errors_by_field(exc).items()}
