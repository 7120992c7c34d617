"""The API's registration answers checked against the event's questions (the form's rules,
registration/answers.py): a 422 problem with one error per answer at its JSON Pointer,
`#/answers/<key>`, worded in the site's language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request

from events_app.api.problems import INVALID_BODY, N_, invalid
from events_app.api.schemas import ErrorCode, ProblemError
from events_app.events.questions import questions_of
from events_app.registration.answers import Answer, check_answers
from events_app.translations import catalogue

# answers.py's codes as the API's (its ErrorCode list), with their words.
_ERRORS: dict[str, tuple[ErrorCode, str]] = {
    "required": ("required", N_("This field is required.")),
    "too_long": ("too_long", N_("This is too long: please shorten it.")),
    "single_line": ("single_line", N_("Please use a single line of plain text.")),
    "plain_text": ("invalid", N_("Please use plain text, without control characters.")),
    "choice": ("invalid", N_("Please choose from the choices offered.")),
    "unknown": ("invalid", N_("This event asks no question with this key.")),
    "invalid": ("invalid", N_("Please check this field.")),
}


def _pointer(key: str) -> str:
    return "#/answers/" + key.replace("~", "~0").replace("/", "~1")


def checked_answers(
    request: Request, stored_questions: list[dict[str, Any]], given: Mapping[str, object]
) -> list[Answer]:
    """The answers to store; raises ApiProblem (422) listing every bad one."""
    answers, errors = check_answers(questions_of(stored_questions), given)
    if not errors:
        return answers
    _ = catalogue(request.app.state.context.settings.language).gettext
    problems = []
    for key, code in errors.items():
        api_code, message = _ERRORS.get(code, _ERRORS["invalid"])
        problems.append(ProblemError(detail=_(message), code=api_code, pointer=_pointer(key)))
    detail = _("A field is missing or has a value this operation does not accept.")
    raise invalid(request, INVALID_BODY, detail, problems)
