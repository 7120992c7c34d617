"""The attendee's printable ticket, under their manage token: the event, its time in the
event's zone, the place, their name and the check-in code as text and as a QR code, laid out
by the print stylesheet (site.css, `@media print`) to fit one page.

Only a confirmed seat at an event still taking place has a ticket: a pending, waitlisted or
cancelled registration would be turned away at the door, one that already attended has no
use for it, and a cancelled event has no door (its registrations keep their status). The QR
code is a PNG from its own address under the token (the Content-Security-Policy allows
images from 'self'), so the page needs no inline style. Like every page under the token, neither is
stored nor named in a Referer (attendee_views.token_page).
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from events_app.events.directions import directions_links
from events_app.models import EventStatus, RegistrationStatus
from events_app.registration.attendee_views import token_page
from events_app.registration.checkin_codes import format_code
from events_app.registration.pages import AttendeePage, load_attendee_page
from events_app.registration.qr import qr_png, qr_png_size
from events_app.web.context import app_context, render_page


async def _attendee(request: Request) -> AttendeePage:
    """The registration of the token, or the 404 an unknown token gets everywhere."""
    token: str = request.path_params["token"]
    page = await app_context(request).read(
        lambda session: load_attendee_page(session=session, token=token)
    )
    if page is None:
        raise HTTPException(status_code=404)
    return page


def _has_ticket(page: AttendeePage) -> bool:
    return (
        page.registration.status == RegistrationStatus.confirmed
        and bool(page.registration.checkin_code)
        and page.event.status != EventStatus.cancelled
    )


@token_page
async def ticket(request: Request) -> Response:
    page = await _attendee(request)
    token: str = request.path_params["token"]
    if not _has_ticket(page):
        # Said plainly, with the way back, rather than a bare "not found".
        context = {"registration": page.registration, "event": page.event, "token": token}
        return render_page(
            request, "registration/no_ticket.html", context, status_code=404, public=False
        )
    code = page.registration.checkin_code
    context = {
        "registration": page.registration,
        "event": page.event,
        "token": token,
        "checkin_code": format_code(code),
        "qr_size": qr_png_size(code),
        "directions": directions_links(page.event),
    }
    return render_page(request, "registration/ticket.html", context, public=False)


@token_page
async def ticket_qr(request: Request) -> Response:
    """The ticket's QR code as a PNG, drawn here from the code (registration/qr.py)."""
    page = await _attendee(request)
    if not _has_ticket(page):
        raise HTTPException(status_code=404)
    return Response(qr_png(page.registration.checkin_code), media_type="image/png")


routes: list[BaseRoute] = [
    Route("/r/{token}/ticket", ticket, name="registration_ticket"),
    Route("/r/{token}/ticket/qr.png", ticket_qr, name="registration_ticket_qr"),
]
