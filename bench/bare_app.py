"""The baseline for `make bench`: a bare Starlette app with one route that returns a fixed body.

The body is the real /events page (or the real /events.ics feed), captured by bench/run.py and
handed over through the file named in BENCH_BODY_FILE, so both servers put exactly the same
number of bytes on the wire and the ratio measures what the events app costs on top of
Starlette and uvicorn, nothing else. BENCH_PATH (default /events) is the route and
BENCH_MEDIA_TYPE (default text/html) its media type; Starlette adds `; charset=utf-8` to a
text/* type, as the events app's responses carry.
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def create_app() -> Starlette:
    body = Path(os.environ["BENCH_BODY_FILE"]).read_bytes()
    path = os.environ.get("BENCH_PATH", "/events")
    media_type = os.environ.get("BENCH_MEDIA_TYPE", "text/html")

    async def endpoint(_request: Request) -> Response:
        return Response(body, media_type=media_type)

    return Starlette(routes=[Route(path, endpoint)])
