"""The back office's landing page: "New event" first; the upcoming events with their seats
as the public page counts them, a fill bar and a small chart of their registrations per day
(in the event's zone), each linked to its check-in page; and a chart of registrations per
day over the last 30 days."""

from __future__ import annotations

from datetime import date
from functools import partial

from babel.dates import format_date
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from events_app.admin.chart import bar_chart
from events_app.admin.dashboard import (
    CHART_DAYS,
    EVENT_DAYS,
    registrations_per_day,
    upcoming_fill,
)
from events_app.admin.guards import requires
from events_app.admin.pages import render_admin
from events_app.mail.retry import count_failed
from events_app.models import User, UserRole
from events_app.web.context import app_context


def _day_label(language: str, pattern: str, day: date) -> str:
    return format_date(day, pattern, locale=language)


@requires(UserRole.editor)
async def dashboard(request: Request, user: User) -> Response:
    ctx = app_context(request)
    now, tz = ctx.now(), ctx.site_tz
    is_admin = user.role == UserRole.admin  # the failed-mail page is theirs
    events, days, failed_mail = await ctx.read(
        lambda session: (
            upcoming_fill(session=session, now=now),
            registrations_per_day(session=session, now=now, tz=tz),
            count_failed(session=session) if is_admin else None,
        )
    )
    language = ctx.settings.language
    context = {
        "events": events,
        "event_charts": {event.slug: bar_chart(event.days) for event in events},
        "event_days": EVENT_DAYS,
        "chart": bar_chart(days),
        "chart_days": CHART_DAYS,
        "short_day": partial(_day_label, language, "d MMM"),
        "long_day": partial(_day_label, language, "EEEE d MMMM y"),
        "failed_mail": failed_mail,
    }
    return render_admin(request, "admin/dashboard.html", context, user=user)


routes: list[BaseRoute] = [
    Route("/admin", dashboard, methods=["GET"], name="admin_dashboard"),
]
