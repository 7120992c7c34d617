"""/healthz: 200 when the database answers, 503 when it does not."""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from events_app.web.context import app_context

logger = logging.getLogger("events_app")


def healthz(request: Request) -> Response:
    headers = {"cache-control": "no-store"}
    try:
        app_context(request).db.ping()
    except SQLAlchemyError as exc:
        logger.warning("health check: database unavailable: %s", exc.__class__.__name__)
        return JSONResponse({"status": "unavailable", "database": "down"}, 503, headers)
    return JSONResponse({"status": "ok", "database": "ok"}, 200, headers)


routes = [Route("/healthz", healthz, name="healthz")]
