"""404 and 500 pages in the site's own design. The 500 page never shows a traceback; in
development Starlette's debug page does (create_app sets debug from EVENTS_ENV)."""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from events_app.db_errors import is_unavailable
from events_app.web.context import render_page
from events_app.web.extensions import web_extensions
from events_app.web.security import security_headers
from events_app.web.theme import logo_origin
from events_app.web.unavailable import database_error

logger = logging.getLogger("events_app")


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    own = web_extensions(request).render_error(request, exc.status_code, exc=exc)
    if own is not None:
        return own
    if exc.status_code == 404:
        return render_page(request, "errors/404.html", {}, status_code=404, public=False)
    return PlainTextResponse(exc.detail, status_code=exc.status_code, headers=exc.headers)


async def server_error(request: Request, exc: Exception) -> Response:
    # This response leaves through Starlette's outermost error middleware, outside our own
    # header middleware, so it carries the security headers itself.
    settings = request.app.state.context.settings
    if not is_unavailable(exc):
        logger.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    try:
        if is_unavailable(exc):  # raised outside the views (in a middleware): still a 503
            response = await database_error(request, exc)
        else:
            own = web_extensions(request).render_error(request, 500)
            response = own or render_page(
                request, "errors/500.html", {}, status_code=500, public=False
            )
    except Exception:  # the template itself may be what failed
        response = PlainTextResponse("Internal Server Error", status_code=500)
    headers = security_headers(hsts=settings.uses_https, image_origin=logo_origin(settings))
    for name, value in headers:
        response.headers[name.decode()] = value.decode()
    return response
