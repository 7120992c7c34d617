"""The back office's landing page, and every admin route in one list for create_app.

The landing page is deliberately small: the dashboard is filled in by a later part, which
replaces `admin/dashboard.html` and this view's context.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from events_app.admin.account_views import routes as account_routes
from events_app.admin.article_views import routes as article_routes
from events_app.admin.audit_views import routes as audit_routes
from events_app.admin.category_views import routes as category_routes
from events_app.admin.event_action_views import routes as event_action_routes
from events_app.admin.event_views import routes as event_routes
from events_app.admin.guards import requires
from events_app.admin.login_views import routes as login_routes
from events_app.admin.pages import render_admin
from events_app.admin.user_views import routes as user_routes
from events_app.models import User, UserRole


@requires(UserRole.editor)
async def dashboard(request: Request, user: User) -> Response:
    return render_admin(request, "admin/dashboard.html", {}, user=user)


routes: list[BaseRoute] = [
    Route("/admin", dashboard, methods=["GET"], name="admin_dashboard"),
    *login_routes,
    *account_routes,
    *user_routes,
    *audit_routes,
    *event_routes,
    *event_action_routes,
    *article_routes,
    *category_routes,
]
