"""The attendee's own pages, reached by the manage token from every email: status, the
confirmation step, calendar file, changes, cancellation, a copy of their data and its
deletion. These pages have the token in their address: they are never stored (no-store) and
send no Referer onward (no-referrer).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from events_app.registration import service
from events_app.registration.checkin_codes import format_code
from events_app.registration.confirming import confirm_registration
from events_app.registration.emails import join_link
from events_app.registration.notify import app_notifier
from events_app.registration.pages import (
    AttendeePage,
    find_registration,
    load_attendee_page,
    seat_on_confirming,
)
from events_app.registration.privacy import delete_registration, export_registration
from events_app.registration.qr import qr_svg
from events_app.registration.schemas import RegistrationUpdate
from events_app.registration.seats import is_seated
from events_app.registration.tokens import looks_like_token
from events_app.web.context import AppContext, app_context, render_page

if TYPE_CHECKING:
    from sqlmodel import Session

    from events_app.models import Event, Registration

from events_app.registration.view_support import (
    field_errors,
    form_text,
    read_form,
    redirect_to,
)

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
        "online_url": join_link(page.registration, page.event),  # the emails' rule
        **_checkin_pass(page.registration, page.event),
    }


def _checkin_pass(registration: Registration, event: Event) -> dict[str, Any]:
    """The check-in code and its QR (inline SVG: no request leaves the page), only while the
    registration has a seat: a waitlisted or cancelled one would be turned away at the door,
    and a cancelled event has no door (its registrations stay confirmed)."""
    if not is_seated(registration) or event.status == "cancelled":
        return {"checkin_code": None, "checkin_qr": None}
    code = registration.checkin_code
    return {"checkin_code": format_code(code), "checkin_qr": qr_svg(code)}


def _render_attendee(
    request: Request,
    template: str,
    page: AttendeePage,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    context = {**_attendee_context(request, page), **extra}
    return render_page(request, template, context, status_code=status_code, public=False)


async def _write_with_registration(
    ctx: AppContext, token: str, change: Callable[[Session, Any], object]
) -> bool:
    """Run `change(session, registration)` in one write transaction; False when the token
    finds nothing (any more)."""

    def write(session: Session) -> bool:
        registration = find_registration(session=session, token=token)
        if registration is None:
            return False
        change(session, registration)
        return True

    return await ctx.write(write)


async def _act_on_registration(
    request: Request,
    change: Callable[[Session, Any], object],
    *,
    then: tuple[str, dict[str, str]],
) -> Response:
    """A confirmed POST on the attendee's registration (CSRF checked before it got here):
    one write transaction, the page cache told, then where to go next (404 when the token
    finds nothing any more)."""
    ctx = app_context(request)
    token = request.path_params["token"]
    if not await _write_with_registration(ctx, token, change):
        raise HTTPException(status_code=404)
    name, params = then
    return redirect_to(request, name, **params)


@token_page
async def manage(request: Request) -> Response:
    page = await _attendee(request)
    saved = request.query_params.get("saved") == "1"
    return _render_attendee(request, "registration/manage.html", page, saved=saved, form={})


@token_page
async def confirm_page(request: Request) -> Response:
    page = await _attendee(request)
    now = app_context(request).now()
    seat = await app_context(request).read(
        lambda session: seat_on_confirming(session=session, now=now, registration=page.registration)
    )
    return _render_attendee(request, "registration/confirm.html", page, seat=seat)


@token_page
async def confirm(request: Request) -> Response:
    ctx = app_context(request)
    token: str = request.path_params["token"]
    now = ctx.now()

    def write(session: Session) -> bool:
        found = confirm_registration(
            session=session, now=now, token=token, notifier=app_notifier(ctx)
        )
        return found is not None

    if not looks_like_token(token) or not await ctx.write(write):
        raise HTTPException(status_code=404)
    return redirect_to(request, "registration_manage", token=token)


@token_page
async def update_details(request: Request) -> Response:
    ctx = app_context(request)
    token: str = request.path_params["token"]
    form = await read_form(request)
    values = {name: form_text(form, name) for name in ("name", "organisation")}
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
            errors=field_errors(exc, values),
            saved=False,
        )
    now = ctx.now()

    def change(session: Session, registration: Any) -> None:
        service.update_details(session=session, now=now, registration=registration, data=data)

    if not await _write_with_registration(ctx, token, change):
        raise HTTPException(status_code=404)
    response = redirect_to(request, "registration_manage", token=token)
    response.headers["location"] += "?saved=1"
    return response


@token_page
async def cancel_page(request: Request) -> Response:
    page = await _attendee(request)
    return _render_attendee(request, "registration/cancel.html", page)


@token_page
async def cancel(request: Request) -> Response:
    ctx = app_context(request)
    now = ctx.now()
    return await _act_on_registration(
        request,
        lambda session, registration: service.cancel_registration(
            session=session,
            now=now,
            registration=registration,
            notifier=app_notifier(ctx),
        ),
        then=("registration_manage", {"token": request.path_params["token"]}),
    )


@token_page
async def delete_page(request: Request) -> Response:
    page = await _attendee(request)
    return _render_attendee(request, "registration/delete.html", page)


@token_page
async def delete(request: Request) -> Response:
    ctx = app_context(request)
    now = ctx.now()
    return await _act_on_registration(
        request,
        lambda session, registration: delete_registration(
            session=session,
            now=now,
            registration=registration,
            notifier=app_notifier(ctx),
        ),
        then=("registration_deleted", {}),
    )


async def deleted(request: Request) -> Response:
    response = render_page(request, "registration/deleted.html", {}, public=False)
    return response


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
    Route("/registration/deleted", deleted, name="registration_deleted"),
    Route("/r/{token}", manage, name="registration_manage"),
    Route("/r/{token}/confirm", confirm_page, methods=["GET"], name="registration_confirm_page"),
    Route("/r/{token}/confirm", confirm, methods=["POST"], name="registration_confirm"),
    Route("/r/{token}/details", update_details, methods=["POST"], name="registration_details"),
    Route("/r/{token}/cancel", cancel_page, methods=["GET"], name="registration_cancel_page"),
    Route("/r/{token}/cancel", cancel, methods=["POST"], name="registration_cancel"),
    Route("/r/{token}/delete", delete_page, methods=["GET"], name="registration_delete_page"),
    Route("/r/{token}/delete", delete, methods=["POST"], name="registration_delete"),
    Route("/r/{token}/data.json", data_json, name="registration_data"),
]
