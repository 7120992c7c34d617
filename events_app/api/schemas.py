"""What the API answers and accepts, as pydantic models.

The OpenAPI document's schemas are these models' JSON schemas (api/openapi.py), and every
answer is built through them, so the document and the answers cannot drift apart. A draft's
status or an unknown registration state would fail validation here rather than be published.
Registrations are posted as `events_app.registration.schemas.RegistrationCreate`, the form's
own model.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from events_app.events.schemas import SLUG_PATTERN
from events_app.models import EventFormat

MAX_PER_PAGE = 100
MAX_PAGE = 10_000

_FULL_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _full_date(value: Any) -> Any:
    # What JSON Schema's "date" format means (RFC 3339's full-date), and nothing pydantic
    # would also take for one: a Unix time, or ISO 8601's week dates and basic format.
    if isinstance(value, str) and not _FULL_DATE.match(value):
        raise ValueError("must be a date written YYYY-MM-DD")
    return value


Day = Annotated[date, BeforeValidator(_full_date)]
Url = Annotated[str, Field(description="An absolute URL.")]
PublicStatus = Literal["published", "cancelled", "postponed"]
ErrorCode = Literal["required", "invalid", "too_long", "single_line", "out_of_range"]
RegistrationState = Literal["open", "not_yet", "closed", "over", "cancelled", "postponed"]


class _Public(BaseModel):
    # Every field is always written, and nothing else: the JSON schema says both, so a
    # response carrying a field it should not (an online link, say) fails the schema checks.
    model_config = ConfigDict(
        frozen=True, extra="forbid", json_schema_serialization_defaults_required=True
    )


class CategoryPublic(_Public):
    slug: str
    name: str
    url: Url = Field(description="The category's page on the site.")
    events_url: Url = Field(description="This API's upcoming events in the category.")


class CategoriesPublic(_Public):
    data: list[CategoryPublic]
    count: int = Field(ge=0)


class EventPublic(_Public):
    """An event as listings show it."""

    slug: str
    title: str
    summary: str
    starts_at: datetime = Field(description="With the UTC offset of the event's own timezone.")
    ends_at: datetime = Field(
        description="Exclusive; for an all-day event, the midnight after its last day."
    )
    timezone: str = Field(description="The event's IANA timezone.")
    all_day: bool
    venue: str
    format: EventFormat
    status: PublicStatus
    categories: list[CategoryPublic]
    url: Url = Field(description="The event's page on the site.")
    api_url: Url = Field(description="This event in the API, with its registration state.")


class ArticleLinkPublic(_Public):
    slug: str
    title: str
    published_at: datetime
    url: Url
    api_url: Url


class RegistrationPublic(_Public):
    state: RegistrationState = Field(
        description="`open`, or why not: `not_yet` (before `opens_at`), `closed` (after "
        "`closes_at`), `over` (the event has started), `cancelled` or `postponed`."
    )
    opens_at: datetime | None
    closes_at: datetime | None
    capacity: int | None = Field(description="Seats in all; null when there is no limit.")
    seats_left: int | None = Field(
        description="Free seats now, guests counted; fewer than a party needs means it joins "
        "the waitlist. Null when there is no limit."
    )
    approval_required: bool = Field(
        description="Registrations wait for an organiser's approval once their email address "
        "is confirmed; approved, they get a seat or a place on the waitlist."
    )
    max_guests: int = Field(
        ge=0,
        description="How many guests one registration may bring (`guests` when registering); "
        "a party takes 1 + guests seats, together or not at all.",
    )
    registrations_url: Url = Field(description="Where to POST a registration.")


class QuestionPublic(_Public):
    """One of the event's own registration questions; answer it in `answers` under `key`."""

    key: str
    label: str
    kind: Literal["text", "textarea", "choice", "multi", "checkbox"] = Field(
        description="`text`: one line; `textarea`: several lines; `choice`: one of "
        "`choices`; `multi`: a list of some of `choices`; `checkbox`: true when ticked (an "
        "agreement)."
    )
    required: bool = Field(description="For `checkbox`: it must be true.")
    help: str
    choices: list[str] = Field(description="For `choice` and `multi`; empty otherwise.")


class EventDetailPublic(EventPublic):
    """One event, with what its page shows. Never its online link: that goes only to
    registered attendees, by email."""

    description: str = Field(description="Markdown.")
    description_html: str = Field(description="The Markdown rendered and sanitised.")
    address: str
    latitude: float | None
    longitude: float | None
    organizer: str
    status_reason: str
    is_past: bool
    registration: RegistrationPublic
    questions: list[QuestionPublic] = Field(
        description="What the registration form asks beyond name, email and organisation, "
        "in order: answer them in the registration's `answers`."
    )
    articles: list[ArticleLinkPublic] = Field(description="Related published articles.")
    calendar_url: Url = Field(description="The event as an iCalendar file.")


class _Paged(_Public):
    count: int = Field(ge=0, description="How many items all the pages hold together.")
    page: int = Field(ge=1)
    per_page: int = Field(ge=1, le=MAX_PER_PAGE)
    pages: int = Field(ge=1)


class EventsPublic(_Paged):
    data: list[EventPublic]


class ArticlePublic(_Public):
    slug: str
    title: str
    summary: str
    author: str
    published_at: datetime
    categories: list[CategoryPublic]
    url: Url
    api_url: Url


class ArticleDetailPublic(ArticlePublic):
    body: str = Field(description="Markdown.")
    body_html: str = Field(description="The Markdown rendered and sanitised.")
    events: list[EventPublic] = Field(description="Related upcoming events.")


class ArticlesPublic(_Paged):
    data: list[ArticlePublic]


class RegistrationAccepted(_Public):
    """The same answer whether the address is new or already registered."""

    status: Literal["accepted"] = "accepted"
    message: str


class ProblemError(_Public):
    # `pointer` or `parameter`, whichever applies; the other is left out, not null.
    model_config = ConfigDict(json_schema_serialization_defaults_required=False)

    detail: str
    code: ErrorCode
    pointer: str | None = Field(
        default=None, description="A JSON Pointer into the request body, such as `#/email`."
    )
    parameter: str | None = Field(default=None, description="The query parameter at fault.")


class Problem(_Public):
    """RFC 9457 problem details."""

    type: str = Field(
        default="about:blank",
        json_schema_extra={"format": "uri-reference"},
        description="`about:blank` for plain HTTP errors, otherwise a link to this "
        "documentation's description of the problem.",
    )
    title: str
    status: int = Field(ge=400, le=599)
    detail: str


class ValidationProblem(Problem):
    errors: list[ProblemError] = Field(min_length=1)


class RegistrationClosedProblem(Problem):
    reason: Literal["not_yet", "closed", "over", "cancelled", "postponed"]


class PageQuery(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    page: Annotated[int, Field(ge=1, le=MAX_PAGE, description="From 1.")] = 1
    per_page: Annotated[
        int | None,
        Field(
            ge=1,
            le=MAX_PER_PAGE,
            description="Items per page; `EVENTS_PAGE_SIZE` (20 unless configured) by default.",
        ),
    ] = None


class EventsQuery(PageQuery):
    """The filters of the site's /events page."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    category: Annotated[
        str | None,
        Field(max_length=80, pattern=SLUG_PATTERN, description="A category's slug."),
    ] = None
    format: EventFormat | None = None
    q: Annotated[
        str | None,
        Field(
            max_length=200,
            description=(
                "Words to search for in the title, summary, description, categories, venue"
                " and address; typos forgiven, best matches first (docs/features/search.md)."
            ),
        ),
    ] = None
    date_from: Annotated[
        Day | None,
        Field(
            alias="from",
            description="Events that have not ended before this day starts (a day in the "
            "site's timezone, `EVENTS_TIMEZONE`).",
        ),
    ] = None
    date_to: Annotated[
        Day | None,
        Field(
            alias="to",
            description="Events that start before this day ends (in the site's timezone).",
        ),
    ] = None
