"""The site's routes, in the order they are tried, and the URL builder made from them for
code that runs without the app: `events-app worker` (reminder emails) and `events-app import`
(its notices and the emails it sends). `create_app` serves these routes and builds its
`SiteUrls` from its own router, so both give the same addresses."""

from __future__ import annotations

from starlette.routing import BaseRoute, Router

from events_app.admin.views import routes as admin_routes
from events_app.api.docs_views import routes as api_document_routes
from events_app.api.views import routes as api_routes
from events_app.articles.views import routes as article_routes
from events_app.calendar.views import routes as calendar_routes
from events_app.categories.views import routes as category_routes
from events_app.config import Settings
from events_app.discovery.views import routes as discovery_routes
from events_app.events.preview_views import routes as preview_routes
from events_app.events.views import routes as event_routes
from events_app.registration.answer_views import routes as answer_routes
from events_app.registration.attendee_views import routes as attendee_routes
from events_app.registration.sent_views import routes as sent_routes
from events_app.registration.ticket_views import routes as ticket_routes
from events_app.registration.views import routes as registration_routes
from events_app.sharing.views import routes as sharing_routes
from events_app.site_urls import SiteUrls
from events_app.web.health import routes as health_routes

# Everything but the static files, which create_app mounts (it holds them in memory).
ROUTES: list[BaseRoute] = [
    # First: /events/{slug}.ics must not be read as the event page of "{slug}.ics".
    *calendar_routes,
    *event_routes,
    *preview_routes,
    *article_routes,
    *category_routes,
    *registration_routes,
    *sent_routes,
    *sharing_routes,
    *attendee_routes,
    *answer_routes,
    *ticket_routes,
    *discovery_routes,
    *health_routes,
    *admin_routes,
    *api_routes,
    *api_document_routes,
]


def site_urls(settings: Settings) -> SiteUrls:
    """The URL builder outside a running app, from the same routes."""
    return SiteUrls(settings.base_url, Router(routes=ROUTES).url_path_for)
