"""Request bodies larger than EVENTS_MAX_BODY_BYTES are refused with 413 before anything
parses them: at once when Content-Length says so, and while streaming otherwise (a chunked
body, or a Content-Length that lies), counting every byte the application reads.

Some paths take larger bodies (`larger`, by path prefix): the back office's forms carry
descriptions and article bodies that may be long, and in a form every Chinese character is
nine bytes (`%E4%B8%AD`), so a limit that suits a registration form would refuse, and lose, a
valid article.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(Exception):
    """Raised from `receive` once the body passes the limit; turned into a 413 here."""


def _content_length(scope: Scope) -> int | None:
    for key, value in scope["headers"]:
        if key == b"content-length":
            text = bytes(value).decode("latin-1").strip()
            return int(text) if text.isdigit() else -1
    return None


class BodyLimitMiddleware:
    def __init__(
        self, app: ASGIApp, *, max_bytes: int, larger: Mapping[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = dict(larger or {})

    def _limit(self, path: str) -> int:
        for prefix, limit in self.larger.items():
            if path.startswith(prefix):
                return limit
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (
            scope["method"] in ("GET", "HEAD") and not _has_body_headers(scope)
        ):
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope["path"])
        declared = _content_length(scope)
        if declared is not None and (declared < 0 or declared > limit):
            await self._refuse(scope, receive, send, malformed=declared < 0)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if started:  # too late to answer; the connection just ends
                return
            await self._refuse(scope, receive, send)

    async def _refuse(
        self, scope: Scope, receive: Receive, send: Send, *, malformed: bool = False
    ) -> None:
        response = too_large_response(Request(scope, receive), malformed=malformed)
        await response(scope, receive, send)


def too_large_response(request: Request, *, malformed: bool = False) -> Response:
    status = 400 if malformed else 413
    try:
        from events_app.web.context import render_page
        from events_app.web.extensions import web_extensions

        own = web_extensions(request).render_error(request, status, headers={"connection": "close"})
        if own is not None:
            return own
        response = render_page(
            request,
            "registration/problem.html",
            {"problem": "bad_request" if malformed else "too_large"},
            status_code=status,
            public=False,
        )
    except Exception:  # no templates (a bare app in a test): still refuse, in plain text
        response = PlainTextResponse("Request body too large", status_code=status)
    response.headers["connection"] = "close"
    return response


def _has_body_headers(scope: Scope) -> bool:
    return any(key in (b"content-length", b"transfer-encoding") for key, _ in scope["headers"])
