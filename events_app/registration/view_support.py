"""What the registration pages share: reading forms, field errors, problem pages,
and redirects."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import datetime, timedelta
from time import monotonic
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from events_app.events.questions import MAX_CHOICES, MAX_QUESTIONS
from events_app.registration.notify import app_notifier
from events_app.timezones import zone_label
from events_app.validation_errors import errors_by_field
from events_app.web.context import AppContext, app_context, render_page

if TYPE_CHECKING:
    from sqlmodel import Session

    from events_app.models import Event
    from events_app.registration.schemas import RegistrationCreate

# The form's own fields, and the event's questions: a multiple-choice question sends one
# field per ticked choice (events/questions.py).
MAX_FORM_FIELDS = 20 + MAX_QUESTIONS * MAX_CHOICES


def form_text(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


async def read_form(request: Request) -> FormData:
    try:
        return await request.form(max_files=0, max_fields=MAX_FORM_FIELDS)
    except HTTPException:
        raise
    except (ValueError, UnicodeDecodeError) as exc:  # malformed body: a client error
        raise HTTPException(status_code=400, detail="Malformed form") from exc


def format_moment(moment: datetime | None, event: Event, language: str) -> str | None:
    if moment is None:
        return None
    # Babel's "zzz" writes "CST" for Chicago; zone_label never writes an ambiguous one.
    local = moment.astimezone(ZoneInfo(event.timezone))
    return f"{format_datetime(local, 'd MMMM y, HH:mm', locale=language)} {zone_label(local)}"


def field_errors(exc: ValidationError, values: Mapping[str, str]) -> dict[str, str]:
    """Pydantic's errors as one code per field; the templates word them (through gettext)."""
    errors: dict[str, str] = {}
    for field, error in errors_by_field(exc).items():
        kind = error.kind
        if kind in ("missing", "string_too_short") and not values.get(field, "").strip():
            errors[field] = "required"
        elif field == "email":
            errors[field] = "invalid"
        elif kind == "string_too_long":
            errors[field] = "too_long"
        else:
            errors[field] = "single_line"
    return errors


def problem_page(
    request: Request,
    problem: str,
    *,
    status_code: int,
    headers: Mapping[str, str] | None = None,
    **context: Any,
) -> Response:
    """A readable page for a refused request (403, 409, 413, 429)."""
    response = render_page(
        request,
        "registration/problem.html",
        {"problem": problem, **context},
        status_code=status_code,
        public=False,
    )
    response.headers.update(headers or {})
    return response


async def registration_rate_limited(request: Request, event: Event) -> Response | None:
    """The 429 page once this client has sent too many registration forms (the form and its
    "Resend" count together), or None."""
    ctx = app_context(request)
    client = request.client.host if request.client else "unknown"
    verdict = await run_in_threadpool(ctx.rate_limiter.hit, "register", client)
    if verdict.allowed:
        return None
    return problem_page(
        request,
        "rate_limited",
        status_code=429,
        headers={"retry-after": str(verdict.retry_after)},
        event=event,
    )


def forbidden(request: Request) -> Response:
    return problem_page(request, "csrf", status_code=403)


def redirect_to(request: Request, name: str, **params: str) -> Response:
    return RedirectResponse(str(request.app.url_path_for(name, **params)), status_code=303)


# The event page's form


async def register_for_event(
    ctx: AppContext,
    *,
    event_id: int,
    data: RegistrationCreate,
    now: datetime,
    answers: list[dict[str, Any]] | None = None,
) -> None:
    """Register through the service in one write transaction (the form and the API alike),
    then drop cached pages that show seats. Raises service.RegistrationClosed.

    The answer is the same whether the address was new, already registered or capped, and
    so is its timing: the work differs (a new registration writes more), so the answer waits
    until EVENTS_REGISTRATION_ANSWER_MS after the request began, which is longer than either
    path takes, and a stopwatch learns nothing (bench/registration_timing.py measures it)."""
    from events_app.registration import service

    arrived = monotonic()  # the answer floor counts from the request's arrival

    def write(session: Session) -> None:
        service.register_attendee(
            session=session,
            now=now,
            event_id=event_id,
            data=data,
            notifier=app_notifier(ctx),
            hold=timedelta(minutes=ctx.settings.hold_minutes),
            answers=answers,
        )

    try:
        await ctx.write(write)
    except service.RecipientCapped:
        pass  # told "check your email" like everyone: nothing was written, nothing sent
    finally:
        await answer_at(arrived + ctx.settings.registration_answer_ms / 1000)


async def answer_at(moment: float) -> None:
    """Wait until `moment` (time.monotonic()), if it is still ahead."""
    delay = moment - monotonic()
    if delay > 0:
        await asyncio.sleep(delay)
