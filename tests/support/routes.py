"""The app's routes as tests walk them: every Route with its full path, and a path with its
parameters filled in."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

from starlette.routing import BaseRoute, Mount, Route

_PARAM = re.compile(r"\{(\w+)(?::(\w+))?\}")


def walk(routes: list[BaseRoute], prefix: str = "") -> Iterator[tuple[str, Route]]:
    """Every Route of the app with its full path, inside Mounts too."""
    for route in routes:
        if isinstance(route, Mount):
            yield from walk(list(route.routes), prefix + route.path)
        elif isinstance(route, Route):
            yield prefix + route.path, route


def concrete(path: str) -> str:
    def value(match: re.Match[str]) -> str:
        return {"int": "1", "uuid": str(uuid.uuid4())}.get(match.group(2) or "", "x")

    return _PARAM.sub(value, path)
