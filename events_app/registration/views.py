"""The attendee's pages: the registration form's target, the confirmation step, and the
attendee's own page (reached by the manage token from every email), with calendar file,
changes, cancellation, a copy of their data and its deletion.

Every POST carries the CSRF token (events_app/web/csrf.py). Pages under /r/ have the token in
their address: they are never stored (no-store) and send no Referer onward (no-referrer).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from events_app.calendar.ics import build_calendar
from events_app.events.service import get_live_event
from events_app.registration import service
from events_app.registration.pages import (
    AttendeePage,
    EventPage,
    find_registration,
    load_attendee_page,
    load_event_page,
)
from events_app.registration.privacy import delete_registration, export_registration
from events_app.registration.schemas import RegistrationCreate, RegistrationUpdate
from events_app.registration.tokens import looks_like_token
from events_app.web.context import AppContext, app_context, render_page
from events_app.web.csrf import csrf_ok, csrf_token, set_csrf_cookie

if TYPE_CHECKING:
    from sqlmodel import Session

    from events_app.models import Event

HONEYPOT = "website"
# The event page carries the visitor's CSRF token while the form is (or is about to be)
# shown: the page cache and shared caches must not keep it, but browsers may revalidate.
PRIVATE_CACHE_CONTROL = "private, no-cache"
PRIVATE_STATES = ("open", "not_yet")
MAX_FORM_FIELDS = 20


# ---------------------------------------------------------------------------------------------
# Helpers


def _text(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


async def _read_form(request: Request) -> FormData:
    try:
        return await request.form(max_files=0, max_fields=MAX_FORM_FIELDS)
    except HTTPException:
        raise
    except (ValueError, UnicodeDecodeError) as exc:  # malformed body: a client error
        raise HTTPException(status_code=400, detail="Malformed form") from exc


def _moment(moment: datetime | None, event: Event, language: str) -> str | None:
    if moment is None:
        return None
    return format_datetime(
        moment, "d MMMM y, HH:mm zzz", tzinfo=ZoneInfo(event.timezone), locale=language
    )


def _field_errors(exc: ValidationError, values: Mapping[str, str]) -> dict[str, str]:
    """Pydantic's errors as one code per field; the templates word them (through gettext)."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else ""
        kind = error["type"]
        if field in errors:
            continue
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


def _forbidden(request: Request) -> Response:
    return problem_page(request, "csrf", status_code=403)


def _redirect(request: Request, name: str, **params: str) -> Response:
    return RedirectResponse(str(request.app.url_path_for(name, **params)), status_code=303)


def _lock(ctx: AppContext) -> bool:
    return not ctx.settings.unsafe_skip_capacity_lock


# ---------------------------------------------------------------------------------------------
# The event page's form


def render_event_page(
    request: Request,
    page: EventPage,
    *,
    form: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """The event page, with the registration form when registration is open. Used by
    events.views.event_detail, and here to show the form again with its errors."""
    ctx = app_context(request)
    event, language = page.event, ctx.settings.language
    is_open = page.state == "open"
    context = {
        "event": event,
        "is_past": page.is_past,
        "seats_left": page.seats_left,
        "registration_state": page.state,
        "opens_at": _moment(event.registration_opens_at, event, language),
        "closes_at": _moment(event.registration_closes_at, event, language),
        "form": form or {},
        "errors": errors or {},
        "csrf_token": csrf_token(request) if is_open else "",
    }
    private = page.state in PRIVATE_STATES or status_code != 200
    response = render_page(
        request, "events/detail.html", context, status_code=status_code, public=not private
    )
    if private:
        response.headers["cache-control"] = PRIVATE_CACHE_CONTROL
    if is_open:
        set_csrf_cookie(request, response)
    return response


async def register(request: Request) -> Response:
    ctx = app_context(request)
    slug: str = request.path_params["slug"]
    form = await _read_form(request)
    if not csrf_ok(request, form):
        return _forbidden(request)
    now = ctx.now()
    page = await ctx.read(lambda session: load_event_page(session=session, slug=slug, now=now))
    if page is None:
        raise HTTPException(status_code=404)
    sent = _redirect(request, "registration_sent", slug=slug)
    if _text(form, HONEYPOT):
        return sent  # a bot: it learns nothing, and nothing is written or sent
    if page.state != "open":
        return _closed(request, page.event, page.state)

    values = {name: _text(form, name) for name in ("name", "email", "organisation")}
    consent = bool(_text(form, "consent"))
    errors: dict[str, str] = {}
    data: RegistrationCreate | None = None
    try:
        data = RegistrationCreate.model_validate({**values, "consent": consent})
    except ValidationError as exc:
        errors = _field_errors(exc, values)
    if not consent:
        errors["consent"] = "required"
    if errors or data is None:
        return render_event_page(
            request, page, form={**values, "consent": consent}, errors=errors, status_code=400
        )

    client = request.client.host if request.client else "unknown"
    verdict = await run_in_threadpool(ctx.rate_limiter.hit, "register", client)
    if not verdict.allowed:
        return problem_page(
            request,
            "rate_limited",
            status_code=429,
            headers={"retry-after": str(verdict.retry_after)},
            event=page.event,
        )

    event_id = page.event.id
    assert event_id is not None
    valid = data

    def write() -> None:
        with ctx.db.write() as session:
            service.register_attendee(
                session=session,
                now=now,
                event_id=event_id,
                data=valid,
                notifier=ctx.notifier,
                hold=timedelta(minutes=ctx.settings.hold_minutes),
                lock=_lock(ctx),
            )

    try:
        await run_in_threadpool(write)
    except service.RegistrationClosed as closed:
        return _closed(request, page.event, closed.reason)
    ctx.page_cache.invalidate()
    return sent


def _closed(request: Request, event: Event, reason: str) -> Response:
    language = app_context(request).settings.language
    return problem_page(
        request,
        "closed",
        status_code=409,
        event=event,
        reason=reason,
        opens_at=_moment(event.registration_opens_at, event, language),
        closes_at=_moment(event.registration_closes_at, event, language),
    )


async def registration_sent(request: Request) -> Response:
    """Said after every accepted form, whatever happened (new, known address, or a bot)."""
    ctx = app_context(request)
    now, slug = ctx.now(), request.path_params["slug"]
    event = await ctx.read(lambda session: get_live_event(session=session, slug=slug, now=now))
    if event is None:
        raise HTTPException(status_code=404)
    return render_page(request, "registration/sent.html", {"event": event})


async def privacy(request: Request) -> Response:
    settings = app_context(request).settings
    return render_page(request, "privacy.html", {"hold_minutes": settings.hold_minutes})


# ---------------------------------------------------------------------------------------------
# The attendee's pages, found by the token in the address


Endpoint = Callable[[Request], Awaitable[Response]]


def token_page(endpoint: Endpoint) -> Endpoint:
    """Whatever the answer, a page whose address holds a manage token is neither stored nor
    named in a Referer header."""

    async def wrapped(request: Request) -> Response:
        try:
            response = await endpoint(request)
        except HTTPException as exc:
            if exc.status_code != 404:
                raise
            response = render_page(request, "errors/404.html", {}, status_code=404, public=False)
        response.headers["cache-control"] = "no-store"
        response.headers["referrer-policy"] = "no-referrer"
        return response

    wrapped.__name__ = endpoint.__name__
    wrapped.__doc__ = endpoint.__doc__
    return wrapped


async def _attendee(request: Request) -> AttendeePage:
    """The attendee's registration, or the 404 a missing page gets: a malformed, unknown and
    superseded token are indistinguishable."""
    token: str = request.path_params["token"]
    page = await app_context(request).read(
        lambda session: load_attendee_page(session=session, token=token)
    )
    if page is None:
        raise HTTPException(status_code=404)
    return page


def _attendee_context(request: Request, page: AttendeePage) -> dict[str, Any]:
    return {
        "registration": page.registration,
        "event": page.event,
        "position": page.position,
        "token": request.path_params["token"],
        "csrf_token": csrf_token(request),
    }


def _render_attendee(
    request: Request,
    template: str,
    page: AttendeePage,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    context = {**_attendee_context(request, page), **extra}
    response = render_page(request, template, context, status_code=status_code, public=False)
    set_csrf_cookie(request, response)
    return response


def _write_with_registration(
    ctx: AppContext, token: str, change: Callable[[Session, Any], None]
) -> bool:
    """Run `change(session, registration)` in one write transaction; False when the token
    finds nothing (any more)."""
    with ctx.db.write() as session:
        registration = find_registration(session=session, token=token)
        if registration is None:
            return False
        change(session, registration)
        return True


@token_page
async def manage(request: Request) -> Response:
    page = await _attendee(request)
    saved = request.query_params.get("saved") == "1"
    return _render_attendee(request, "registration/manage.html", page, saved=saved, form={})


@token_page
async def confirm_page(request: Request) -> Response:
    page = await _attendee(request)
    return _render_attendee(request, "registration/confirm.html", page)


@token_page
async def confirm(request: Request) -> Response:
    ctx = app_context(request)
    token: str = request.path_params["token"]
    form = await _read_form(request)
    if not csrf_ok(request, form):
        return _forbidden(request)
    now = ctx.now()

    def write() -> bool:
        if not looks_like_token(token):
            return False
        with ctx.db.write() as session:
            registration = service.confirm_registration(
                session=session, now=now, token=token, notifier=ctx.notifier, lock=_lock(ctx)
            )
            return registration is not None

    if not await run_in_threadpool(write):
        raise HTTPException(status_code=404)
    ctx.page_cache.invalidate()
    return _redirect(request, "registration_manage", token=token)


@token_page
async def update_details(request: Request) -> Response:
    ctx = app_context(request)
    token: str = request.path_params["token"]
    form = await _read_form(request)
    if not csrf_ok(request, form):
        return _forbidden(request)
    values = {name: _text(form, name) for name in ("name", "organisation")}
    try:
        data = RegistrationUpdate.model_validate(values)
    except ValidationError as exc:
        page = await _attendee(request)
        return _render_attendee(
            request,
            "registration/manage.html",
            page,
            status_code=400,
            form=values,
            errors=_field_errors(exc, values),
            saved=False,
        )
    now = ctx.now()

    def change(session: Session, registration: Any) -> None:
        service.update_details(session=session, now=now, registration=registration, data=data)

    if not await run_in_threadpool(_write_with_registration, ctx, token, change):
        raise HTTPException(status_code=404)
    response = _redirect(request, "registration_manage", token=token)
    response.headers["location"] += "?saved=1"
    return response


@token_page
async def cancel_page(request: Request) -> Response:
    page = await _attendee(request)
    return _render_attendee(request, "registration/cancel.html", page)


@token_page
async def cancel(request: Request) -> Response:
    ctx = app_context(request)
    token: str = request.path_params["token"]
    form = await _read_form(request)
    if not csrf_ok(request, form):
        return _forbidden(request)
    now = ctx.now()

    def change(session: Session, registration: Any) -> None:
        service.cancel_registration(
            session=session,
            now=now,
            registration=registration,
            notifier=ctx.notifier,
            lock=_lock(ctx),
        )

    if not await run_in_threadpool(_write_with_registration, ctx, token, change):
        raise HTTPException(status_code=404)
    ctx.page_cache.invalidate()
    return _redirect(request, "registration_manage", token=token)


@token_page
async def delete_page(request: Request) -> Response:
    page = await _attendee(request)
    return _render_attendee(request, "registration/delete.html", page)


@token_page
async def delete(request: Request) -> Response:
    ctx = app_context(request)
    token: str = request.path_params["token"]
    form = await _read_form(request)
    if not csrf_ok(request, form):
        return _forbidden(request)
    now = ctx.now()

    def change(session: Session, registration: Any) -> None:
        delete_registration(
            session=session,
            now=now,
            registration=registration,
            notifier=ctx.notifier,
            lock=_lock(ctx),
        )

    if not await run_in_threadpool(_write_with_registration, ctx, token, change):
        raise HTTPException(status_code=404)
    ctx.page_cache.invalidate()
    return _redirect(request, "registration_deleted")


async def deleted(request: Request) -> Response:
    response = render_page(request, "registration/deleted.html", {}, public=False)
    return response


@token_page
async def event_ics(request: Request) -> Response:
    ctx = app_context(request)
    page = await _attendee(request)
    body = build_calendar(
        [page.event], base_url=ctx.settings.base_url, name=page.event.title, now=ctx.now()
    )
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{page.event.slug}.ics"'},
    )


@token_page
async def data_json(request: Request) -> Response:
    ctx = app_context(request)
    token: str = request.path_params["token"]

    def load(session: Session) -> dict[str, Any] | None:
        registration = find_registration(session=session, token=token)
        if registration is None:
            return None
        return export_registration(session=session, registration=registration)

    data = await ctx.read(load)
    if data is None:
        raise HTTPException(status_code=404)
    return JSONResponse(
        data,
        headers={"content-disposition": 'attachment; filename="my-registration.json"'},
    )


routes: list[BaseRoute] = [
    Route("/privacy", privacy, name="privacy"),
    Route("/events/{slug}/register", register, methods=["POST"], name="registration_register"),
    Route("/events/{slug}/registered", registration_sent, name="registration_sent"),
    Route("/registration/deleted", deleted, name="registration_deleted"),
    Route("/r/{token}", manage, name="registration_manage"),
    Route("/r/{token}/confirm", confirm_page, methods=["GET"], name="registration_confirm_page"),
    Route("/r/{token}/confirm", confirm, methods=["POST"], name="registration_confirm"),
    Route("/r/{token}/details", update_details, methods=["POST"], name="registration_details"),
    Route("/r/{token}/cancel", cancel_page, methods=["GET"], name="registration_cancel_page"),
    Route("/r/{token}/cancel", cancel, methods=["POST"], name="registration_cancel"),
    Route("/r/{token}/delete", delete_page, methods=["GET"], name="registration_delete_page"),
    Route("/r/{token}/delete", delete, methods=["POST"], name="registration_delete"),
    Route("/r/{token}/event.ics", event_ics, name="registration_ics"),
    Route("/r/{token}/data.json", data_json, name="registration_data"),
]
