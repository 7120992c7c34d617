"""Reading what a client sends: query parameters into their pydantic model (400 with one error
per parameter), and a JSON body (415 unless it says it is JSON, 400 unless it is well formed,
422 with one error per field unless it is valid). The models are the ones the OpenAPI
document is generated from, so what is documented is what is checked."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import Request

from events_app.api.problems import (
    INVALID_BODY,
    INVALID_QUERY,
    N_,
    ApiProblem,
    invalid,
)
from events_app.api.schemas import ErrorCode, Problem, ProblemError
from events_app.translations import catalogue
from events_app.validation_errors import FieldError, all_errors

M = TypeVar("M", bound=BaseModel)
JSON_MEDIA_TYPE = "application/json"

_OUT_OF_RANGE = {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}
_MESSAGES: dict[str, str] = {
    "required": N_("This field is required."),
    "consent": N_("Consent to the privacy notice is required."),
    "email": N_("Please enter a valid email address, such as name@example.org."),
    "too_long": N_("This is too long: please shorten it."),
    "single_line": N_("Please use a single line of plain text."),
    "out_of_range": N_("This value is out of range; the documentation gives the limits."),
    "invalid": N_("Please check this field."),
    "object": N_("The body must be a JSON object."),
    "guests": N_("More guests than this event allows: see max_guests in its registration."),
}


def _gettext(request: Request) -> Any:
    return catalogue(request.app.state.context.settings.language).gettext


def parse_query(request: Request, model: type[M]) -> M:
    """The query string as `model`; a repeated parameter counts with its last value."""
    try:
        return model.model_validate(dict(request.query_params))
    except ValidationError as exc:
        _ = _gettext(request)
        errors = []
        for error in all_errors(exc):
            code: ErrorCode = (
                "out_of_range"
                if error.kind in _OUT_OF_RANGE
                else "too_long"
                if error.kind == "string_too_long"
                else "invalid"
            )
            errors.append(ProblemError(detail=_(_MESSAGES[code]), code=code, parameter=error.field))
        detail = _("A query parameter has a value this operation does not accept.")
        raise invalid(request, INVALID_QUERY, detail, errors) from exc


def is_json(content_type: str | None) -> bool:
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    return media_type == JSON_MEDIA_TYPE


def _body_error(error: FieldError) -> tuple[ErrorCode, str]:
    """(code, message key) for one of pydantic's errors about a JSON body."""
    field, kind = error.field, error.kind
    if not error.loc:  # the body as a whole
        return "invalid", "object"
    if field == "consent" and kind != "bool_type":
        return "required", "consent"
    if kind in ("missing", "string_too_short"):
        return "required", "required"
    if kind == "string_too_long":
        return "too_long", "too_long"
    if field == "email":
        return "invalid", "email"
    if kind in ("greater_than_equal", "less_than_equal"):  # guests
        return "out_of_range", "out_of_range"
    if kind == "string_pattern_mismatch":  # name, organisation: control characters, breaks
        return "single_line", "single_line"
    return "invalid", "invalid"


def too_many_guests(request: Request) -> ApiProblem:
    """422 for more guests than the event allows (the schema knows only the site's limit)."""
    _ = _gettext(request)
    error = ProblemError(detail=_(_MESSAGES["guests"]), code="out_of_range", pointer="#/guests")
    detail = _("A field is missing or has a value this operation does not accept.")
    return invalid(request, INVALID_BODY, detail, [error])


def parse_json_body(request: Request, body: bytes, model: type[M]) -> M:
    """`body` as `model`, strictly: JSON types must be the documented ones (no "yes" for
    true). Raises ApiProblem: 400 for a body that is not JSON, 422 for invalid fields."""
    _ = _gettext(request)
    try:
        return model.model_validate_json(body, strict=True)
    except ValidationError as exc:
        found = all_errors(exc)
        if any(error.kind == "json_invalid" for error in found):
            problem = Problem(
                title=_("Bad Request"), status=400, detail=_("The body is not valid JSON.")
            )
            raise ApiProblem(problem) from exc
        errors = []
        for error in found:
            code, message = _body_error(error)
            pointer = "#" + "".join(f"/{part}" for part in error.loc)
            errors.append(ProblemError(detail=_(_MESSAGES[message]), code=code, pointer=pointer))
        detail = _("A field is missing or has a value this operation does not accept.")
        raise invalid(request, INVALID_BODY, detail, errors) from exc
