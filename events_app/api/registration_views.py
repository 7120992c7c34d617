"""POST /api/v1/events/{slug}/registrations: the registration form's twin for programs.

The same model (RegistrationCreate), service (register_attendee, with the event's lock), rate
limit (the `register` limit, counted in the same bucket as the form, per client address) and
answer whatever the address: 202 "check your email", so nobody can find out who registered.

No CSRF token, because nothing here rides on a cookie and only JSON is accepted: a page on
another site can send a cross-site form only as urlencoded, multipart or text/plain, which get
415, and a script can send JSON to another origin only after a CORS preflight, which /api
refuses for POST unless EVENTS_API_CORS_POST_ORIGINS names that origin.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from events_app.api import problems
from events_app.api.answer_errors import checked_answers
from events_app.api.schemas import RegistrationAccepted
from events_app.api.validation import (
    JSON_MEDIA_TYPE,
    is_json,
    parse_json_body,
    too_many_guests,
)
from events_app.registration import service
from events_app.registration.pages import load_event_page
from events_app.registration.schemas import RegistrationCreate
from events_app.registration.view_support import register_for_event
from events_app.translations import catalogue
from events_app.web.context import app_context

NO_STORE = {"cache-control": "no-store"}


async def register(request: Request) -> Response:
    ctx = app_context(request)
    _ = catalogue(ctx.settings.language).gettext
    if not is_json(request.headers.get("content-type")):
        return problems.http_problem(
            request,
            415,
            detail=_("Send the body as JSON, with the header Content-Type: application/json."),
            headers={"accept-post": JSON_MEDIA_TYPE},
        )
    body = await request.body()
    slug: str = request.path_params["slug"]
    now = ctx.now()
    page = await ctx.read(lambda session: load_event_page(session=session, slug=slug, now=now))
    if page is None:
        raise HTTPException(status_code=404)
    data = parse_json_body(request, body, RegistrationCreate)
    if page.state != "open":
        raise problems.registration_closed(request, page.state)
    answers = checked_answers(request, page.event.questions, data.answers)
    if data.guests > page.event.max_guests:
        raise too_many_guests(request)

    client = request.client.host if request.client else "unknown"
    verdict = await run_in_threadpool(ctx.rate_limiter.hit, "register", client)
    if not verdict.allowed:
        raise problems.rate_limited(request, verdict.retry_after)

    event_id = page.event.id
    assert event_id is not None

    try:
        await register_for_event(ctx, event_id=event_id, data=data, now=now, answers=answers)
    except service.RegistrationClosed as closed:
        if closed.reason == "not_live":  # withdrawn since it was read: as if never there
            raise HTTPException(status_code=404) from closed
        raise problems.registration_closed(request, closed.reason) from closed
    except service.TooManyGuests as refused:  # the event allowed fewer since it was read
        raise too_many_guests(request) from refused
    accepted = RegistrationAccepted(
        message=_(
            "We have sent an email about your registration for %(title)s to the address you "
            "gave. Open the link in it to confirm your registration; until you do, your "
            "registration is not complete."
        )
        % {"title": page.event.title}
    )
    return Response(accepted.model_dump_json().encode(), 202, NO_STORE, media_type=JSON_MEDIA_TYPE)
