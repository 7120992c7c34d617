"""The "check your email" page after the registration form, its "Resend", and the field that
takes the six-digit code from the email, so the visitor can confirm in this same tab.

The page names the address the form was sent with and says until when a seat is held; both
come from a signed cookie (sent_notice.py) that the form's answer sets for this page's path
only, and the page is never stored. Without a valid cookie (a bot caught by the honeypot, a
tampered or expired value, another browser) it is the generic page, naming nobody.

"Resend" is a POST like the form's, so the same Fetch Metadata check guards it (CSRF_POLICIES
in app.py), and it counts against the same rate limit. The service decides whether an email
really goes (the cooldown and the address's hourly cap: resend.py), and the page
says the same whatever it decided; what the page tells about waiting comes from the cookie
alone, and the answer waits as long as the form's does, so neither the words nor a stopwatch
tell whether the address was registered.

The code form is a POST of the same kind, under the same rate limit: the cookie names the
address, code_confirmation.py finds its registration and checks the code under the event's
lock, and a right code leads to the registration's page as the email's link does.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from time import monotonic
from typing import TYPE_CHECKING

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from events_app.events.service import get_live_event
from events_app.registration import service
from events_app.registration.code_confirmation import CodeProblem, confirm_by_code
from events_app.registration.confirmation_codes import MAX_ATTEMPTS, typed_code
from events_app.registration.notify import app_notifier
from events_app.registration.resend import resend_to_address
from events_app.registration.schemas import email_key
from events_app.registration.sent_notice import (
    COOKIE_NAME,
    SentNotice,
    issue_notice,
    read_notice,
)
from events_app.registration.view_support import (
    answer_at,
    form_text,
    format_moment,
    read_form,
    redirect_to,
    registration_rate_limited,
)
from events_app.web.context import AppContext, app_context, render_page

if TYPE_CHECKING:
    from sqlmodel import Session

    from events_app.models import Event


_KEPT_INPUT = 40  # of what was typed, shown back in the field


def _hold(ctx: AppContext) -> timedelta:
    return timedelta(minutes=ctx.settings.hold_minutes)


def remember_sent(request: Request, response: Response, notice: SentNotice, slug: str) -> None:
    """Let the "check your email" page of this browser name `notice`'s address, for as long
    as a hold lasts."""
    ctx = app_context(request)
    settings = ctx.settings
    response.set_cookie(
        COOKIE_NAME,
        issue_notice(settings.secret_key, notice),
        max_age=settings.hold_minutes * 60,
        path=ctx.urls.path("registration_sent", slug=slug),
        httponly=True,
        samesite="strict",
        secure=not settings.is_development,
    )


def forget_sent(request: Request, response: Response, slug: str) -> None:
    ctx = app_context(request)
    response.delete_cookie(
        COOKIE_NAME,
        path=ctx.urls.path("registration_sent", slug=slug),
        httponly=True,
        samesite="strict",
        secure=not ctx.settings.is_development,
    )


async def _event_and_notice(request: Request) -> tuple[Event, SentNotice | None]:
    ctx = app_context(request)
    now, slug = ctx.now(), request.path_params["slug"]
    event = await ctx.read(lambda session: get_live_event(session=session, slug=slug, now=now))
    if event is None or event.id is None:
        raise HTTPException(status_code=404)
    notice = read_notice(
        ctx.settings.secret_key,
        request.cookies.get(COOKIE_NAME),
        event_id=event.id,
        now=now,
        max_age=_hold(ctx),
    )
    return event, notice


def _render_sent(
    request: Request,
    event: Event,
    notice: SentNotice | None,
    *,
    status_code: int = 200,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    ctx = app_context(request)
    language, now = ctx.settings.language, ctx.now()
    context: dict[str, object] = {
        "event": event,
        "notice": notice,
        "form": form or {},
        "errors": errors or {},
        "max_attempts": MAX_ATTEMPTS,
    }
    if notice is not None:
        resend_at = notice.sent_at + service.RESEND_COOLDOWN
        context.update(
            held_until=format_moment(notice.held_until(_hold(ctx)), event, language),
            resend_at=format_moment(resend_at, event, language) if resend_at > now else None,
            resent=request.query_params.get("resent") == "1",
        )
    return render_page(
        request, "registration/sent.html", context, status_code=status_code, public=False
    )


async def registration_sent(request: Request) -> Response:
    """Said after every accepted form, whatever happened (new, known address, or a bot)."""
    event, notice = await _event_and_notice(request)
    return _render_sent(request, event, notice)


async def confirm_with_code(request: Request) -> Response:
    """The code from the email, typed on this page: the registration of the address the
    cookie names is confirmed (code_confirmation.py) and the visitor sees its page, as after
    the link. Every problem brings this page back with the code kept (400). Like "Resend",
    it counts against the form's rate limit and answers no sooner than the form, so neither
    the words nor a stopwatch tell whether the address had a registration."""
    ctx = app_context(request)
    slug: str = request.path_params["slug"]
    event, notice = await _event_and_notice(request)
    form = await read_form(request)
    typed = form_text(form, "code")
    kept = {"code": typed[:_KEPT_INPUT]}
    if notice is None:
        # Nothing names a registration any more (the hold and this cookie ended together).
        return _render_sent(request, event, None, status_code=400, errors={"code": "no_notice"})
    code = typed_code(typed)
    if code is None:
        problem = "required" if not typed.strip() else "format"
        return _render_sent(request, event, notice, status_code=400, form=kept,
                            errors={"code": problem})  # fmt: skip

    refused = await registration_rate_limited(request, event)
    if refused is not None:
        return refused

    arrived, now = monotonic(), ctx.now()
    event_id, address_key = notice.event_id, email_key(notice.email)
    notifier = app_notifier(ctx)

    def write(session: Session) -> tuple[str | None, CodeProblem | None]:
        outcome = confirm_by_code(
            session=session, now=now, event_id=event_id, email_key=address_key, code=code,
            notifier=notifier,
        )  # fmt: skip
        if outcome.registration is None:
            return None, outcome.problem
        return notifier.token(outcome.registration), None

    try:
        result: tuple[str | None, CodeProblem | None] = await ctx.write(write)
    finally:
        await answer_at(arrived + ctx.settings.registration_answer_ms / 1000)
    token, refusal = result
    if token is None:
        return _render_sent(request, event, notice, status_code=400, form=kept,
                            errors={"code": refusal or "wrong"})  # fmt: skip
    done = redirect_to(request, "registration_manage", token=token)
    forget_sent(request, done, slug)  # nothing is left to check: this page is generic again
    return done


async def resend(request: Request) -> Response:
    ctx = app_context(request)
    slug: str = request.path_params["slug"]
    event, notice = await _event_and_notice(request)
    back = redirect_to(request, "registration_sent", slug=slug)
    now = ctx.now()
    if notice is None or now < notice.sent_at + service.RESEND_COOLDOWN:
        return back  # the page says what it can: generic, or when to ask again

    refused = await registration_rate_limited(request, event)
    if refused is not None:
        return refused

    arrived = monotonic()
    event_id, address_key = notice.event_id, email_key(notice.email)

    def write(session: Session) -> None:
        resend_to_address(
            session=session,
            now=now,
            event_id=event_id,
            email_key=address_key,
            notifier=app_notifier(ctx),
        )

    try:
        await ctx.write(write)
    finally:
        await answer_at(arrived + ctx.settings.registration_answer_ms / 1000)
    back.headers["location"] += "?resent=1"
    remember_sent(request, back, replace(notice, sent_at=now), slug)
    return back


routes: list[BaseRoute] = [
    Route("/events/{slug}/registered", registration_sent, name="registration_sent"),
    Route("/events/{slug}/registered", resend, methods=["POST"], name="registration_resend"),
    Route(
        "/events/{slug}/registered/code",
        confirm_with_code,
        methods=["POST"],
        name="registration_code",
    ),
]
