"""CORS for /api only: any page may read the API (GET and HEAD) unless EVENTS_API_CORS_ORIGINS
narrows it; no page on another origin may POST a registration from a browser unless
EVENTS_API_CORS_POST_ORIGINS names its origin.

A JSON POST from another origin needs a preflight, which is refused here unless allowed, so a
browser never sends it. The headers are added outside the page cache: a cached answer is the
same bytes for every origin, and the origin-specific part is added on the way out. When the
answer depends on the Origin header (a list of origins rather than `*`), it says `Vary: Origin`
so that shared caches keep one copy per origin.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from events_app.api.problems import API_PREFIX, PROBLEM_JSON

READ_METHODS = ("GET", "HEAD")
# What a page's script may read besides the simple response headers.
EXPOSED = "ETag, Link, X-Total-Count, Retry-After"
# What a cross-origin GET may send that needs a preflight (conditional requests).
READ_REQUEST_HEADERS = frozenset({"if-none-match", "if-modified-since", "accept"})
PREFLIGHT_MAX_AGE = "600"
_REFUSED = (
    b'{"type":"about:blank","title":"Forbidden","status":403,'
    b'"detail":"This origin may not make this cross-origin request."}'
)


class Origins:
    def __init__(self, origins: Iterable[str]) -> None:
        self.any = "*" in origins
        self.listed = frozenset(origin.rstrip("/") for origin in origins if origin != "*")

    def allows(self, origin: str | None) -> bool:
        return bool(origin) and (self.any or origin in self.listed)

    @property
    def empty(self) -> bool:
        return not self.any and not self.listed


class ApiCorsMiddleware:
    def __init__(self, app: ASGIApp, *, read: Iterable[str], write: Iterable[str]) -> None:
        self.app = app
        self.read = Origins(read)
        self.write = Origins(write)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        method = scope["method"]
        if method == "OPTIONS" and origin and "access-control-request-method" in headers:
            await self._preflight(headers, origin, send)
            return
        allowed = self.read if method in READ_METHODS else self.write

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                response_headers = MutableHeaders(scope=message)
                if allowed.any:
                    response_headers["access-control-allow-origin"] = "*"
                elif not allowed.empty:
                    response_headers.add_vary_header("Origin")
                    if allowed.allows(origin):
                        response_headers["access-control-allow-origin"] = str(origin)
                if "access-control-allow-origin" in response_headers:
                    response_headers["access-control-expose-headers"] = EXPOSED
            await send(message)

        await self.app(scope, receive, send_with_cors)

    async def _preflight(self, headers: Headers, origin: str, send: Send) -> None:
        method = headers["access-control-request-method"].upper()
        requested = {
            name.strip().lower()
            for name in headers.get("access-control-request-headers", "").split(",")
            if name.strip()
        }
        if method in READ_METHODS:
            allowed, methods, permitted = self.read, "GET, HEAD", READ_REQUEST_HEADERS
        elif method == "POST":
            allowed, methods, permitted = self.write, "POST", frozenset({"content-type"})
        else:
            allowed, methods, permitted = Origins(()), "", frozenset()
        vary = [(b"vary", b"Origin")]
        if not allowed.allows(origin) or not requested <= permitted:
            await _send(send, 403, [*vary, (b"content-type", PROBLEM_JSON.encode())], _REFUSED)
            return
        response_headers = [
            *vary,
            (b"access-control-allow-origin", b"*" if allowed.any else origin.encode("latin-1")),
            (b"access-control-allow-methods", methods.encode()),
            (b"access-control-max-age", PREFLIGHT_MAX_AGE.encode()),
        ]
        if requested:
            allow_headers = ", ".join(sorted(requested)).encode()
            response_headers.append((b"access-control-allow-headers", allow_headers))
        await _send(send, 204, response_headers, b"")


async def _send(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    headers = [
        *headers,
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
