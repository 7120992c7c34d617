"""Examples for the OpenAPI document and /api/docs, built through the API's own models: an
example that no longer fits its model fails at import, so the documentation cannot show a
shape the API does not answer with."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from events_app.api.schemas import (
    ArticleDetailPublic,
    ArticleLinkPublic,
    ArticlePublic,
    ArticlesPublic,
    CategoriesPublic,
    CategoryPublic,
    EventDetailPublic,
    EventPublic,
    EventsPublic,
    Problem,
    ProblemError,
    QuestionPublic,
    RegistrationAccepted,
    RegistrationClosedProblem,
    RegistrationPublic,
    ValidationProblem,
)
from events_app.models import EventFormat
from events_app.registration.schemas import RegistrationCreate

SITE = "https://events.example.org"
DOCS = f"{SITE}/api/docs"
_BEIJING = timezone(timedelta(hours=8))

OPEN_SCIENCE = CategoryPublic(
    slug="open-science",
    name="Open science",
    url=f"{SITE}/categories/open-science",
    events_url=f"{SITE}/api/v1/events?category=open-science",
)
EVENT = EventPublic(
    slug="open-research-infrastructure-forum",
    title="Open Research Infrastructure Forum",
    summary="Facility managers and funders compare how they open instruments and data.",
    starts_at=datetime(2026, 12, 13, 14, 0, tzinfo=_BEIJING),
    ends_at=datetime(2026, 12, 13, 15, 30, tzinfo=_BEIJING),
    timezone="Asia/Shanghai",
    all_day=False,
    venue="Zhongguancun Innovation Centre, Hall B",
    format=EventFormat.in_person,
    status="published",
    categories=[OPEN_SCIENCE],
    url=f"{SITE}/events/open-research-infrastructure-forum",
    api_url=f"{SITE}/api/v1/events/open-research-infrastructure-forum",
)
EVENTS = EventsPublic(data=[EVENT], count=1, page=1, per_page=20, pages=1)
ARTICLE = ArticlePublic(
    slug="shared-labs-shared-data",
    title="Shared labs, shared data",
    summary="Why open research infrastructure is getting attention.",
    author="Mei Lin",
    published_at=datetime(2026, 11, 20, 8, 0, tzinfo=UTC),
    categories=[OPEN_SCIENCE],
    url=f"{SITE}/articles/shared-labs-shared-data",
    api_url=f"{SITE}/api/v1/articles/shared-labs-shared-data",
)
EVENT_DETAIL = EventDetailPublic(
    **EVENT.model_dump(),
    description="Three short talks, then a moderated discussion.",
    description_html="<p>Three short talks, then a moderated discussion.</p>\n",
    address="Haidian District, Beijing, China",
    latitude=None,
    longitude=None,
    organizer="Open Science Desk",
    status_reason="",
    is_past=False,
    registration=RegistrationPublic(
        state="open",
        opens_at=None,
        closes_at=None,
        capacity=120,
        seats_left=118,
        approval_required=False,
        max_guests=2,
        registrations_url=f"{EVENT.api_url}/registrations",
    ),
    questions=[
        QuestionPublic(
            key="track",
            label="Which session will you join?",
            kind="choice",
            required=False,
            help="",
            choices=["Data sharing", "Shared labs"],
        ),
        QuestionPublic(
            key="access_needs",
            label="Access needs",
            kind="text",
            required=False,
            help="We will contact you about them.",
            choices=[],
        ),
    ],
    articles=[
        ArticleLinkPublic(
            **ARTICLE.model_dump(include={"slug", "title", "published_at", "url", "api_url"})
        )
    ],
    calendar_url=f"{SITE}/events/open-research-infrastructure-forum.ics",
)
ARTICLES = ArticlesPublic(data=[ARTICLE], count=1, page=1, per_page=20, pages=1)
ARTICLE_DETAIL = ArticleDetailPublic(
    **ARTICLE.model_dump(),
    body="Research facilities are opening their doors.",
    body_html="<p>Research facilities are opening their doors.</p>\n",
    events=[EVENT],
)
CATEGORIES = CategoriesPublic(data=[OPEN_SCIENCE], count=1)
REGISTRATION = RegistrationCreate(
    name="Ada Lovelace", email="ada@example.org", organisation="Analytical Engines", consent=True
)
ACCEPTED = RegistrationAccepted(
    message="We have sent an email about your registration for Open Research Infrastructure "
    "Forum to the address you gave. Open the link in it to confirm your registration; until "
    "you do, your registration is not complete."
)
NOT_FOUND = Problem(
    title="Not Found", status=404, detail="There is nothing public at this address."
)
INVALID_QUERY = ValidationProblem(
    type=f"{DOCS}#problem-invalid-query",
    title="Invalid query parameters",
    status=400,
    detail="A query parameter has a value this operation does not accept.",
    errors=[ProblemError(detail="Please check this field.", code="invalid", parameter="from")],
)
INVALID_BODY = ValidationProblem(
    type=f"{DOCS}#problem-invalid-body",
    title="Invalid request body",
    status=422,
    detail="A field is missing or has a value this operation does not accept.",
    errors=[
        ProblemError(
            detail="Please enter a valid email address, such as name@example.org.",
            code="invalid",
            pointer="#/email",
        )
    ],
)
CLOSED = RegistrationClosedProblem(
    type=f"{DOCS}#problem-registration-closed",
    title="Registration closed",
    status=409,
    detail="This event has been cancelled, so it takes no registrations.",
    reason="cancelled",
)
RATE_LIMITED = Problem(
    type=f"{DOCS}#problem-rate-limited",
    title="Too many attempts",
    status=429,
    detail="We have received too many registrations from your network in a short time. "
    "Please try again later.",
)
UNSUPPORTED = Problem(
    title="Unsupported Media Type",
    status=415,
    detail="Send the body as JSON, with the header Content-Type: application/json.",
)
TOO_LARGE = Problem(
    title="Content Too Large",
    status=413,
    detail="The request body is larger than this API accepts.",
)
MALFORMED = Problem(title="Bad Request", status=400, detail="The body is not valid JSON.")


def as_json(example: Any) -> Any:
    """An example as it is sent: JSON types, no null that the answer would leave out."""
    exclude_none = isinstance(example, Problem)
    return example.model_dump(mode="json", exclude_none=exclude_none)
