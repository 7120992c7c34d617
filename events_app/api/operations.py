"""The hand-written part of the OpenAPI document: for each operation its path, method, summary,
description, models and the errors it can answer with. api/openapi.py turns these into the
document, taking every schema from the models themselves."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from events_app.api import examples
from events_app.api.schemas import (
    ArticleDetailPublic,
    ArticlesPublic,
    CategoriesPublic,
    EventDetailPublic,
    EventsPublic,
    EventsQuery,
    PageQuery,
    Problem,
    RegistrationAccepted,
    RegistrationClosedProblem,
    ValidationProblem,
)
from events_app.registration.schemas import RegistrationCreate

# Routes under /api that are not operations of the API: this document and its reading page.
DOCUMENT_ROUTES = frozenset({"/api/openapi.json", "/api/docs"})


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    operation_id: str
    tag: str
    summary: str
    description: str
    response: type[BaseModel]
    example: BaseModel
    status: int = 200
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    paged: bool = False
    errors: tuple[int, ...] = ()


OPERATIONS = (
    Operation(
        "get",
        "/api/v1/events",
        "listEvents",
        "Events",
        "Upcoming events",
        "Live events that have not ended, soonest first (an event in progress is still "
        "listed), with the filters of the site's /events page. Drafts and events before their "
        "go-live moment are never listed.",
        EventsPublic,
        examples.EVENTS,
        query=EventsQuery,
        paged=True,
        errors=(400,),
    ),
    Operation(
        "get",
        "/api/v1/events/{slug}",
        "getEvent",
        "Events",
        "One event",
        "A live event, past or upcoming, cancelled or postponed, with its registration state "
        "and seats left. A draft, or an event before its go-live moment, is 404 like a "
        "missing one.",
        EventDetailPublic,
        examples.EVENT_DETAIL,
        errors=(404,),
    ),
    Operation(
        "post",
        "/api/v1/events/{slug}/registrations",
        "registerForEvent",
        "Registrations",
        "Register for an event",
        "The site's registration form for programs: the same rules and the same rate limit "
        "(per client address, shared with the form). A new address gets an email to confirm "
        "within `EVENTS_HOLD_MINUTES` (a seat is held meanwhile, or a place on the waitlist "
        "follows when the event is full); an address already registered gets a fresh link to "
        "its registration. The answer is the same 202 in both cases. The event's own "
        "`questions` (in its representation) are answered in `answers`, by key; a missing "
        "required answer, a choice not offered or a key the event does not ask is a 422 "
        "pointing at `#/answers/<key>`. Only `application/json` is accepted; no cookie or "
        "token is needed.",
        RegistrationAccepted,
        examples.ACCEPTED,
        status=202,
        body=RegistrationCreate,
        errors=(400, 404, 409, 413, 415, 422, 429),
    ),
    Operation(
        "get",
        "/api/v1/articles",
        "listArticles",
        "Articles",
        "Published articles",
        "Articles whose publication time has passed, newest first.",
        ArticlesPublic,
        examples.ARTICLES,
        query=PageQuery,
        paged=True,
        errors=(400,),
    ),
    Operation(
        "get",
        "/api/v1/articles/{slug}",
        "getArticle",
        "Articles",
        "One article",
        "A published article with its related upcoming events. An article before its "
        "publication time is 404 like a missing one.",
        ArticleDetailPublic,
        examples.ARTICLE_DETAIL,
        errors=(404,),
    ),
    Operation(
        "get",
        "/api/v1/categories",
        "listCategories",
        "Categories",
        "Categories",
        "Every category, by name.",
        CategoriesPublic,
        examples.CATEGORIES,
    ),
)

# Each error an operation names: its description, model and example.
ErrorResponse = tuple[str, type[BaseModel], BaseModel]
ERRORS: dict[int, ErrorResponse] = {
    400: (
        "A query parameter has a value it may not have.",
        ValidationProblem,
        examples.INVALID_QUERY,
    ),
    404: ("No such public resource.", Problem, examples.NOT_FOUND),
    409: ("The event takes no registrations now.", RegistrationClosedProblem, examples.CLOSED),
    413: ("The body is larger than `EVENTS_MAX_BODY_BYTES`.", Problem, examples.TOO_LARGE),
    415: ("The body is not sent as `application/json`.", Problem, examples.UNSUPPORTED),
    422: ("A field is missing or invalid.", ValidationProblem, examples.INVALID_BODY),
    429: ("Too many registrations from this address.", Problem, examples.RATE_LIMITED),
}
# The 400 of an operation that reads a body rather than a query.
MALFORMED_BODY: ErrorResponse = ("The body is not valid JSON.", Problem, examples.MALFORMED)
QUERY_MODELS = (EventsQuery, PageQuery)
