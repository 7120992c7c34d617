"""The one answer to "the database cannot serve now": 503 with Retry-After.

Registered by create_app as the handler of every database error, so no view catches them:
errors that events_app/db_errors.py counts as unavailable (pool exhausted, server refused or
silent, statement timeout, SQLite locked by a writer) become a 503 page, or under /api the
API's `unavailable` problem (through the error renderer the API registers); any other
database error goes on to the 500 handler.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from events_app.db_errors import is_unavailable, unavailable_reason
from events_app.web.context import render_page
from events_app.web.extensions import web_extensions

logger = logging.getLogger("events_app.unavailable")
# Long enough for a pool to free a connection or a failed-over server to come back; short
# enough that a person retrying by hand is not kept waiting.
RETRY_AFTER_SECONDS = 5


def unavailable_response(request: Request, retry_after: int = RETRY_AFTER_SECONDS) -> Response:
    """The 503 itself: the API's problem under /api (its error renderer), the site's page
    elsewhere."""
    headers = {"retry-after": str(retry_after)}
    own = web_extensions(request).render_error(request, 503, headers=headers)
    if own is not None:
        return own
    try:
        response = render_page(request, "errors/503.html", {}, status_code=503, public=False)
    except Exception:  # an error page must not fail
        logger.exception("the 503 page failed to render")
        response = PlainTextResponse("Service Unavailable", status_code=503)
    response.headers["retry-after"] = str(retry_after)
    return response


async def database_error(request: Request, exc: Exception) -> Response:
    if not is_unavailable(exc):
        raise exc  # a fault, not an outage: the 500 handler logs it with its traceback
    logger.warning(
        "database unavailable (%s) on %s %s: %s",
        unavailable_reason(exc),
        request.method,
        request.url.path,
        str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__,
    )
    return unavailable_response(request)
