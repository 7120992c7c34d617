"""A NUL anywhere in a request's path answers 404.

No slug or token can hold one, and PostgreSQL refuses NUL in text outright: the query would
fail and the visitor get a 500. (Searches and filters in the query string already treat a
NUL as any other odd term.) Refused here, before any view, every route is
covered at once (public, admin and API alike). The request goes on to the router with a path
no route matches, so the answer is the site's own 404 page, with every header the site sends.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

NOWHERE = "/.refused-path"


def holds_nul(scope: Scope) -> bool:
    return "\x00" in scope.get("path", "")


class NulGuardMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and holds_nul(scope):
            scope = {**scope, "path": NOWHERE, "raw_path": NOWHERE.encode()}
        await self.app(scope, receive, send)
