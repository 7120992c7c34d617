""" "Send this to a friend": the form on its own page for each event and article, and its target.

The form lives on its own page rather than under the event or article, which stay short.
Every POST is checked for where it comes from (Fetch Metadata and Origin: CSRF_POLICIES in
app.py, events_app/web/cross_origin.py), with no per-visitor token; a filled honeypot gets
the normal answer and nothing is sent; a valid form is counted against three limits at once
(per client address, per recipient, and for the whole site per day) before its one email
goes to the outbox.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from events_app.registration.notify import app_notifier
from events_app.registration.view_support import form_text, read_form
from events_app.sharing.schemas import ShareRequest, error_codes
from events_app.sharing.service import (
    ShareKind,
    ShareTarget,
    find_share_target,
    recipient_key,
    send_to_friend,
)
from events_app.web.context import app_context, render_page

if TYPE_CHECKING:
    from sqlmodel import Session

FIELDS = ("email", "name", "note")
HONEYPOT = "website"
# Kept out of shared caches as when the form carried a per-visitor token; it no longer
# does, so it could now be cached like any public page.
PRIVATE_CACHE_CONTROL = "private, no-cache"
SITE_KEY = "site"  # the one key of the site-wide daily limit
Endpoint = Callable[[Request], Awaitable[Response]]


def render_share_page(
    request: Request,
    target: ShareTarget,
    *,
    form: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
    problem: str = "",
    status_code: int = 200,
) -> Response:
    context: dict[str, Any] = {
        "target": target,
        "target_path": f"{target.kind.value}_detail",
        "form_path": f"{target.kind.value}_share",
        "form": form or {},
        "errors": errors or {},
        "problem": problem,
        "sent": request.query_params.get("sent") == "1" and status_code == 200,
    }
    response = render_page(
        request, "sharing/share.html", context, status_code=status_code, public=False
    )
    if status_code == 200:
        response.headers["cache-control"] = PRIVATE_CACHE_CONTROL
    return response


async def _target(request: Request, kind: ShareKind) -> ShareTarget:
    ctx = app_context(request)
    now, slug = ctx.now(), request.path_params["slug"]
    target = await ctx.read(
        lambda session: find_share_target(session=session, now=now, kind=kind, slug=slug)
    )
    if target is None:
        raise HTTPException(status_code=404)
    return target


def _show(kind: ShareKind) -> Endpoint:
    async def share_form(request: Request) -> Response:
        return render_share_page(request, await _target(request, kind))

    return share_form


def _send(kind: ShareKind) -> Endpoint:
    async def share_send(request: Request) -> Response:
        ctx = app_context(request)
        form = await read_form(request)
        target = await _target(request, kind)
        path = request.app.url_path_for(f"{kind.value}_share", slug=target.slug)
        sent = RedirectResponse(f"{path}?sent=1", status_code=303)
        if form_text(form, HONEYPOT):
            return sent  # a bot: it learns nothing, and nothing is sent
        values = {name: form_text(form, name) for name in FIELDS}
        try:
            data = ShareRequest.model_validate(values)
        except ValidationError as exc:
            errors = error_codes(exc)
            return render_share_page(request, target, form=values, errors=errors, status_code=400)

        client = request.client.host if request.client else "unknown"
        recipient = recipient_key(ctx.settings.secret_key, data.email_key)
        checks = [("share", client), ("share_recipient", recipient), ("share_daily", SITE_KEY)]
        verdict = await run_in_threadpool(ctx.rate_limiter.hit_all, checks)
        if not verdict.allowed:
            response = render_share_page(
                request, target, form=values, problem="rate_limited", status_code=429
            )
            response.headers["retry-after"] = str(verdict.retry_after)
            return response

        def write(session: Session) -> None:
            send_to_friend(
                session=session,
                now=ctx.now(),
                target=target,
                request=data,
                composer=app_notifier(ctx).composer,
            )

        await ctx.write(write)
        return sent

    return share_send


routes: list[BaseRoute] = [
    Route("/events/{slug}/share", _show(ShareKind.event), methods=["GET"], name="event_share"),
    Route(
        "/events/{slug}/share",
        _send(ShareKind.event),
        methods=["POST"],
        name="event_share_send",
    ),
    Route(
        "/articles/{slug}/share", _show(ShareKind.article), methods=["GET"], name="article_share"
    ),
    Route(
        "/articles/{slug}/share",
        _send(ShareKind.article),
        methods=["POST"],
        name="article_share_send",
    ),
]
