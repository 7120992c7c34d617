"""Failed mail (admins only): the emails that used up their attempts, newest first, each with
"Send again", and a selection sent again at once. Sending again puts a message back in the
outbox (mail/retry.py); the worker sends it on its next round. One transaction and one audit
entry per submit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from events_app.admin.guards import requires
from events_app.admin.pages import read_admin_form, render_admin
from events_app.mail.retry import LISTED, FailedFilters, count_failed, list_failed, retry_failed
from events_app.models import User, UserRole
from events_app.registration.view_support import redirect_to
from events_app.web.context import app_context

if TYPE_CHECKING:
    from sqlmodel import Session

MAX_ID = 2**31 - 1  # an id the database's integer column cannot hold is simply not found


async def _render(
    request: Request, user: User, *, status_code: int = 200, **extra: Any
) -> Response:
    listed, total = await app_context(request).read(
        lambda session: (list_failed(session=session), count_failed(session=session))
    )
    queued = request.query_params.get("queued", "")
    context: Mapping[str, Any] = {
        "messages": listed,
        "total": total,
        "queued": int(queued) if queued.isdigit() and len(queued) < 7 else None,
        "error": None,
        **extra,
    }
    return render_admin(
        request, "admin/mail_failed.html", context, user=user, status_code=status_code
    )


@requires(UserRole.admin)
async def failed_mail(request: Request, user: User) -> Response:
    return await _render(request, user)


def chosen_ids(values: list[str]) -> tuple[int, ...]:
    """The outbox ids a form names, in order, once each; anything else is ignored."""
    ids = (int(v) for v in values if v.isdigit() and len(v) < 12)
    return tuple(dict.fromkeys(i for i in ids if 0 < i <= MAX_ID))


@requires(UserRole.admin)
async def send_again(request: Request, user: User) -> Response:
    """ "Send again" on one row names it in `message`; the selection button sends the ticked
    `selected` boxes."""
    ctx = app_context(request)
    form = await read_admin_form(request, max_fields=LISTED + 10)
    one = form.get("message")
    values = [one] if isinstance(one, str) else form.getlist("selected")
    ids = chosen_ids([v for v in values if isinstance(v, str)])
    if not ids:
        return await _render(request, user, status_code=400, error="none_selected")
    now = ctx.now()

    def write(session: Session) -> list[int]:
        filters = FailedFilters(ids=ids)
        return retry_failed(session=session, now=now, filters=filters, actor=user)

    retried = await ctx.write(write)
    response = redirect_to(request, "admin_mail_failed")
    response.headers["location"] += f"?queued={len(retried)}"
    return response


routes: list[BaseRoute] = [
    Route("/admin/mail/failed", failed_mail, methods=["GET"], name="admin_mail_failed"),
    Route("/admin/mail/failed", send_again, methods=["POST"], name="admin_mail_send_again"),
]
