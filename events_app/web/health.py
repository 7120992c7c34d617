"""/healthz: 200 when the database answers, 503 when it does not, within a second whatever it
does (a refused, silent or overloaded server, a full pool or thread pool): the ping uses its own
pool and thread (db_probe.py, bounded_call.py), and this view runs on the event loop."""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from events_app.db_errors import DATABASE_ERRORS
from events_app.web.bounded_call import BoundedCall
from events_app.web.context import app_context

logger = logging.getLogger("events_app")
HEALTH_WAIT_SECONDS = 0.8


async def healthz(request: Request) -> Response:
    headers = {"cache-control": "no-store"}
    state = request.app.state
    ping: BoundedCall[None] | None = getattr(state, "health_ping", None)
    if ping is None:
        ping = state.health_ping = BoundedCall(app_context(request).db.health_ping, name="healthz")
    try:
        await ping(HEALTH_WAIT_SECONDS)
    except TimeoutError:
        logger.warning("health check: database unavailable: no answer in %s s", HEALTH_WAIT_SECONDS)
        return JSONResponse({"status": "unavailable", "database": "down"}, 503, headers)
    except DATABASE_ERRORS as exc:
        logger.warning("health check: database unavailable: %s", exc.__class__.__name__)
        return JSONResponse({"status": "unavailable", "database": "down"}, 503, headers)
    return JSONResponse({"status": "ok", "database": "ok"}, 200, headers)


routes = [Route("/healthz", healthz, name="healthz")]
