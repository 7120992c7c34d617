"""Errors under /api as RFC 9457 problem details (`application/problem+json`).

Plain HTTP errors (404, 405, 413, 415, ...) have the type `about:blank` and their status
phrase as title; the problems this API defines have a type that links to their description
on /api/docs. Titles and details go through the site's catalogue like every page's text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from events_app.api.schemas import Problem, ProblemError, RegistrationClosedProblem
from events_app.api.schemas import ValidationProblem as ValidationProblemModel
from events_app.translations import catalogue
from events_app.web.extensions import WebExtensions

API_PREFIX = "/api/"
PROBLEM_JSON = "application/problem+json"


def N_(message: str) -> str:
    """Marks a message for the catalogue; it is translated where it is used."""
    return message


@dataclass(frozen=True)
class ProblemType:
    slug: str
    status: int
    title: str
    description: str


# The problems this API defines; /api/docs describes each under the anchor #problem-<slug>.
INVALID_QUERY = ProblemType(
    "invalid-query",
    400,
    N_("Invalid query parameters"),
    "A query parameter has a value the operation does not accept. `errors` names each "
    "parameter (`parameter`) with a `code` and a readable `detail`.",
)
INVALID_BODY = ProblemType(
    "invalid-body",
    422,
    N_("Invalid request body"),
    "The JSON body is well formed but a field is missing or has a value the operation does "
    "not accept. `errors` points at each field (`pointer`, a JSON Pointer such as `#/email`).",
)
REGISTRATION_CLOSED = ProblemType(
    "registration-closed",
    409,
    N_("Registration closed"),
    "The event takes no registrations now; `reason` says why: `not_yet`, `closed`, `over`, "
    "`cancelled` or `postponed` (the same as the event's `registration.state`).",
)
RATE_LIMITED = ProblemType(
    "rate-limited",
    429,
    N_("Too many attempts"),
    "Too many registrations from this client address (the same limit as the site's form, "
    "`EVENTS_RATE_LIMIT_REGISTER`). `Retry-After` says in how many seconds to try again.",
)
UNAVAILABLE = ProblemType(
    "unavailable",
    503,
    N_("Temporarily unavailable"),
    "The database cannot serve the request now (an outage, or every connection busy). "
    "Nothing was changed: send the same request again after the seconds in `Retry-After`.",
)
PROBLEM_TYPES = (INVALID_QUERY, INVALID_BODY, REGISTRATION_CLOSED, RATE_LIMITED, UNAVAILABLE)

_PHRASES = {
    400: N_("Bad Request"),
    403: N_("Forbidden"),
    404: N_("Not Found"),
    405: N_("Method Not Allowed"),
    409: N_("Conflict"),
    413: N_("Content Too Large"),
    415: N_("Unsupported Media Type"),
    422: N_("Unprocessable Content"),
    429: N_("Too Many Requests"),
    500: N_("Internal Server Error"),
    503: N_("Service Unavailable"),
}
_DETAILS = {
    404: N_("There is nothing public at this address."),
    405: N_("This address does not accept this method; the Allow header lists those it does."),
    413: N_("The request body is larger than this API accepts."),
    500: N_("Something went wrong on our side. Please try again later."),
}


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIX)


def _gettext(request: Request) -> Any:
    return catalogue(request.app.state.context.settings.language).gettext


def problem_type_uri(request: Request, kind: ProblemType) -> str:
    return request.app.state.context.urls("api_docs") + f"#problem-{kind.slug}"


class ApiProblem(Exception):
    """Raised by API views; `api_problem_handler` turns it into the response."""

    def __init__(self, problem: Problem, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(problem.title)
        self.problem = problem
        self.headers = dict(headers or {})


def problem_response(problem: Problem, headers: Mapping[str, str] | None = None) -> Response:
    body = problem.model_dump_json(exclude_none=True).encode()
    return Response(
        body,
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers={"cache-control": "no-store", **(headers or {})},
    )


async def api_problem_handler(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiProblem)
    return problem_response(exc.problem, exc.headers)


def http_problem(
    request: Request, status: int, *, detail: str = "", headers: Mapping[str, str] | None = None
) -> Response:
    """A plain HTTP error (`about:blank`) with the status phrase as its title."""
    _ = _gettext(request)
    title = _(_PHRASES.get(status, N_("Bad Request")))
    text = detail or _(_DETAILS.get(status, _PHRASES.get(status, N_("Bad Request"))))
    problem = Problem(title=title, status=status, detail=text)
    return problem_response(problem, headers)


def http_exception_problem(request: Request, exc: HTTPException) -> Response:
    """Starlette's own errors under /api (no route: 404; a route without the method: 405,
    with its Allow header), as problem details."""
    return http_problem(request, exc.status_code, headers=exc.headers)


def invalid(
    request: Request, kind: ProblemType, detail: str, errors: Sequence[ProblemError]
) -> ApiProblem:
    _ = _gettext(request)
    return ApiProblem(
        ValidationProblemModel(
            type=problem_type_uri(request, kind),
            title=_(kind.title),
            status=kind.status,
            detail=detail,
            errors=list(errors),
        )
    )


def registration_closed(request: Request, reason: str) -> ApiProblem:
    _ = _gettext(request)
    details = {
        "cancelled": N_("This event has been cancelled, so it takes no registrations."),
        "postponed": N_(
            "This event has been postponed. Registration will open again when it has a new date."
        ),
        "over": N_("Registration is closed: this event has already started or taken place."),
        "not_yet": N_("Registration has not opened yet."),
        "closed": N_("Registration is closed."),
    }
    return ApiProblem(
        RegistrationClosedProblem(
            type=problem_type_uri(request, REGISTRATION_CLOSED),
            title=_(REGISTRATION_CLOSED.title),
            status=REGISTRATION_CLOSED.status,
            detail=_(details[reason]),
            reason=reason,
        )
    )


def rate_limited(request: Request, retry_after: int) -> ApiProblem:
    _ = _gettext(request)
    problem = Problem(
        type=problem_type_uri(request, RATE_LIMITED),
        title=_(RATE_LIMITED.title),
        status=RATE_LIMITED.status,
        detail=_(
            "We have received too many registrations from your network in a short time. "
            "Please try again later."
        ),
    )
    return ApiProblem(problem, {"retry-after": str(retry_after)})


def unavailable(request: Request, retry_after: int) -> Response:
    """503 with its own problem type: the database cannot serve now; retry later."""
    _ = _gettext(request)
    problem = Problem(
        type=problem_type_uri(request, UNAVAILABLE),
        title=_(UNAVAILABLE.title),
        status=UNAVAILABLE.status,
        detail=_(
            "We cannot handle this request right now. Nothing was changed; please try again "
            "in a few seconds."
        ),
    )
    return problem_response(problem, {"retry-after": str(retry_after)})


def api_error(
    request: Request,
    status: int,
    *,
    exc: Exception | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response | None:
    """Errors under /api as problem documents; the site's own pages answer the rest."""
    if not is_api_path(request.url.path):
        return None
    if isinstance(exc, HTTPException):
        return http_exception_problem(request, exc)
    if status == UNAVAILABLE.status:
        return unavailable(request, int((headers or {}).get("retry-after", "5")))
    return http_problem(request, status, headers=headers)


def register(extensions: WebExtensions) -> None:
    extensions.add_error_renderer(api_error)
