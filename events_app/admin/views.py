"""Every admin route in one list, for create_app."""

from __future__ import annotations

from starlette.routing import BaseRoute

from events_app.admin.account_views import routes as account_routes
from events_app.admin.article_views import routes as article_routes
from events_app.admin.audit_views import routes as audit_routes
from events_app.admin.category_views import routes as category_routes
from events_app.admin.checkin_sync_views import routes as checkin_sync_routes
from events_app.admin.checkin_views import routes as checkin_routes
from events_app.admin.dashboard_views import routes as dashboard_routes
from events_app.admin.event_action_views import routes as event_action_routes
from events_app.admin.event_preview_views import routes as event_preview_routes
from events_app.admin.event_save_views import routes as event_save_routes
from events_app.admin.event_views import routes as event_routes
from events_app.admin.login_views import routes as login_routes
from events_app.admin.mail_views import routes as mail_routes
from events_app.admin.message_views import routes as message_routes
from events_app.admin.question_views import routes as question_routes
from events_app.admin.registration_detail_views import routes as registration_detail_routes
from events_app.admin.registration_views import routes as registration_routes
from events_app.admin.user_views import routes as user_routes

routes: list[BaseRoute] = [
    *dashboard_routes,
    *login_routes,
    *account_routes,
    *user_routes,
    *audit_routes,
    *registration_routes,
    *registration_detail_routes,
    *message_routes,
    *mail_routes,
    *checkin_routes,
    *checkin_sync_routes,
    *event_routes,
    *event_save_routes,
    *event_action_routes,
    *event_preview_routes,
    *question_routes,
    *article_routes,
    *category_routes,
]
