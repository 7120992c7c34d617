"""The baseline for `make bench`: a bare Starlette app with one route that returns a fixed body.

The body is the real /events page, captured by bench/run.py and handed over through the file
named in BENCH_BODY_FILE, so both servers put exactly the same number of bytes on the wire and
the ratio measures what the events app costs on top of Starlette and uvicorn, nothing else.
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route


def create_app() -> Starlette:
    body = Path(os.environ["BENCH_BODY_FILE"]).read_bytes()

    async def events(_request: Request) -> Response:
        return HTMLResponse(body)

    return Starlette(routes=[Route("/events", events)])
