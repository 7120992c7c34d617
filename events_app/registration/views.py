"""The registration form's target and the pages around it: the event page with its form,
and the privacy notice. "Check your email" is in sent_views.py; the attendee's own pages
(reached by the manage token) are in attendee_views.py.

Every POST is checked for where it comes from, by Fetch Metadata and Origin, before it gets
here (CSRF_POLICIES in app.py): the forms carry no per-visitor token.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from events_app.calendar.links import add_to_calendar_links
from events_app.calendar.vevent import app_calendar_site
from events_app.events.directions import directions_links
from events_app.events.questions import questions_of
from events_app.previews.json_ld import app_publisher, event_json_ld
from events_app.registration import service
from events_app.registration.answer_views import AnswerForm, read_answers
from events_app.registration.guests import parse_guests
from events_app.registration.pages import (
    EventPage,
    load_event_page,
)
from events_app.registration.schemas import RegistrationCreate
from events_app.registration.sent_notice import SentNotice
from events_app.registration.sent_views import forget_sent, remember_sent
from events_app.sharing.links import share_links
from events_app.web.context import app_context, render_page
from events_app.web.page_dependencies import declare_dependency

if TYPE_CHECKING:
    from datetime import datetime

    from events_app.models import Event
from events_app.registration.view_support import (
    field_errors,
    form_text,
    format_moment,
    problem_page,
    read_form,
    redirect_to,
    register_for_event,
    registration_rate_limited,
)

HONEYPOT = "website"


def render_event_page(
    request: Request,
    page: EventPage,
    *,
    form: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
    status_code: int = 200,
    preview_until: datetime | None = None,
    answers: AnswerForm | None = None,
) -> Response:
    """The event page, with the registration form when registration is open. Used by
    events.views.event_detail, and here to show the form again with its errors.

    The same bytes for every visitor (the forms carry no per-visitor token), so it is public
    and kept by the page cache. It shows the event's seats, which change with every
    registration: it declares that, and the cache drops it when they move (seat_state.py).

    `preview_until`: the page seen through a preview link (events/preview_views.py), which
    works until then. It says so in a banner and is never public: the caller sets its
    headers."""
    ctx = app_context(request)
    event, language = page.event, ctx.settings.language
    context = {
        "event": event,
        "is_past": page.is_past,
        "seats_left": page.seats_left,
        "seats_held": page.seats_held,
        "registration_state": page.state,
        "opens_at": format_moment(event.registration_opens_at, event, language),
        "closes_at": format_moment(event.registration_closes_at, event, language),
        "preview_until": format_moment(preview_until, event, language),
        "form": form or {},
        "errors": errors or {},
        **(answers or AnswerForm()).context(),
        "calendar": add_to_calendar_links(event, app_calendar_site(ctx), now=ctx.now()),
        "directions": directions_links(event),
        # Built from the same page: the seats and status it shows are the ones it tells
        # search engines.
        "structured_data": event_json_ld(
            event, seats_left=page.seats_left, site=app_publisher(ctx)
        ),
        "share": share_links(
            url=ctx.urls("event_detail", slug=event.slug),
            title=event.title,
            summary=event.summary,
        ),
    }
    public = status_code == 200 and preview_until is None
    response = render_page(
        request, "events/detail.html", context, status_code=status_code, public=public
    )
    if public:
        declare_dependency(response, *page.depends_on)
    return response


async def register(request: Request) -> Response:
    ctx = app_context(request)
    slug: str = request.path_params["slug"]
    form = await read_form(request)
    now = ctx.now()
    page = await ctx.read(lambda session: load_event_page(session=session, slug=slug, now=now))
    if page is None:
        raise HTTPException(status_code=404)
    sent = redirect_to(request, "registration_sent", slug=slug)
    if form_text(form, HONEYPOT):
        forget_sent(request, sent, slug)  # the generic page, naming nobody
        return sent  # a bot: it learns nothing, and nothing is written or sent
    if page.state != "open":
        return _closed(request, page.event, page.state)

    values = {name: form_text(form, name) for name in ("name", "email", "organisation")}
    values["guests"] = form_text(form, "guests")
    guests = parse_guests(values["guests"], page.event.max_guests)
    consent = bool(form_text(form, "consent"))
    errors: dict[str, str] = {}
    data: RegistrationCreate | None = None
    try:
        data = RegistrationCreate.model_validate(
            {**values, "guests": guests or 0, "consent": consent}
        )
    except ValidationError as exc:
        errors = field_errors(exc, values)
    if guests is None:
        errors["guests"] = "guests"
    if not consent:
        errors["consent"] = "required"
    questions = questions_of(page.event.questions)
    answers, answer_form = read_answers(questions, form, prefix="reg-q-")
    if errors or answer_form.errors or data is None:
        return render_event_page(
            request, page, form={**values, "consent": consent}, errors=errors, status_code=400,
            answers=answer_form,
        )  # fmt: skip

    refused = await registration_rate_limited(request, page.event)
    if refused is not None:
        return refused

    event_id = page.event.id
    assert event_id is not None
    try:
        await register_for_event(ctx, event_id=event_id, data=data, now=now, answers=answers)
    except service.RegistrationClosed as closed:
        return _closed(request, page.event, closed.reason)
    except service.TooManyGuests:  # the event allowed fewer guests since the page was read
        form_again = {**values, "consent": consent}
        return render_event_page(
            request, page, form=form_again, errors={"guests": "guests"}, status_code=400
        )
    seat_free = not page.event.approval_required and (
        page.seats_left is None or page.seats_left >= 1 + data.guests
    )
    remember_sent(request, sent, SentNotice(event_id, data.email, now, now, seat_free), slug)
    return sent


def _closed(request: Request, event: Event, reason: str) -> Response:
    language = app_context(request).settings.language
    return problem_page(
        request,
        "closed",
        status_code=409,
        event=event,
        reason=reason,
        opens_at=format_moment(event.registration_opens_at, event, language),
        closes_at=format_moment(event.registration_closes_at, event, language),
    )


async def privacy(request: Request) -> Response:
    settings = app_context(request).settings
    return render_page(request, "privacy.html", {"hold_minutes": settings.hold_minutes})


routes: list[BaseRoute] = [
    Route("/privacy", privacy, name="privacy"),
    Route("/events/{slug}/register", register, methods=["POST"], name="registration_register"),
]
