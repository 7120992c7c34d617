"""Security headers on every response, cached or not, error or not."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


def security_headers(*, hsts: bool, subdomains: bool = False) -> list[tuple[bytes, bytes]]:
    headers = [
        (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
        (b"x-frame-options", b"DENY"),
        (b"cross-origin-opener-policy", b"same-origin"),
        (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    ]
    if hsts:
        value = b"max-age=31536000" + (b"; includeSubDomains" if subdomains else b"")
        headers.append((b"strict-transport-security", value))
    return headers


SECURITY_HEADER_NAMES = frozenset(name for name, _value in security_headers(hsts=True))


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, hsts: bool, subdomains: bool = False) -> None:
        self.app = app
        self.headers = security_headers(hsts=hsts, subdomains=subdomains)
        self.headers_but_referrer = [h for h in self.headers if h[0] != b"referrer-policy"]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # A view may set a stricter Referrer-Policy of its own (the attendee's pages
                # send no Referer at all): keep it rather than add a second one. This runs on
                # every cached page, so it looks for that one header only.
                headers = message.get("headers", [])
                ours = self.headers
                for key, _value in headers:
                    if key == b"referrer-policy":  # ASGI header names are lowercase
                        ours = self.headers_but_referrer
                        break
                message["headers"] = [*headers, *ours]
            await send(message)

        await self.app(scope, receive, send_with_headers)
