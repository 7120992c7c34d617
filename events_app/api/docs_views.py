"""/api/openapi.json (the document) and /api/docs (the same document as a page to read,
rendered on the server: no script, nothing from another site)."""

from __future__ import annotations

import json
from functools import lru_cache

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from events_app.api.openapi import build_document
from events_app.api.reference import Reference, describe
from events_app.web.context import PUBLIC_CACHE_CONTROL, app_context, render_page


@lru_cache(maxsize=8)
def _reference(base_url: str, site_name: str) -> Reference:
    return describe(build_document(base_url, site_name))


@lru_cache(maxsize=8)
def _document_bytes(base_url: str, site_name: str) -> bytes:
    return json.dumps(build_document(base_url, site_name), indent=2).encode()


async def openapi_json(request: Request) -> Response:
    settings = app_context(request).settings
    return Response(
        _document_bytes(settings.base_url, settings.site_name),
        media_type="application/json",
        headers={"cache-control": PUBLIC_CACHE_CONTROL},
    )


async def api_docs(request: Request) -> Response:
    settings = app_context(request).settings
    reference = _reference(settings.base_url, settings.site_name)
    return render_page(request, "api/docs.html", {"api": reference})


routes: list[BaseRoute] = [
    Route("/api/openapi.json", openapi_json, name="api_openapi"),
    Route("/api/docs", api_docs, name="api_docs"),
]
