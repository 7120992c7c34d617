"""Security headers on every response, cached or not, error or not."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


def content_security_policy(image_origin: str | None = None) -> str:
    """`image_origin`: the one other origin images may come from (EVENTS_SITE_LOGO's, when the
    logo lives on the news site); styles and scripts stay our own, never inline."""
    images = f"img-src 'self' data: {image_origin}" if image_origin else "img-src 'self' data:"
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            images,
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ]
    )


CONTENT_SECURITY_POLICY = content_security_policy()


def security_headers(
    *, hsts: bool, subdomains: bool = False, image_origin: str | None = None
) -> list[tuple[bytes, bytes]]:
    headers = [
        (b"content-security-policy", content_security_policy(image_origin).encode()),
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


# ASGI header names are lowercase.
VIEW_MAY_SET = frozenset({b"referrer-policy", b"permissions-policy"})
SECURITY_HEADER_NAMES = frozenset(name for name, _value in security_headers(hsts=True))


class SecurityHeadersMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        hsts: bool,
        subdomains: bool = False,
        image_origin: str | None = None,
    ) -> None:
        self.app = app
        self.headers = security_headers(hsts=hsts, subdomains=subdomains, image_origin=image_origin)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # A view may set a Referrer-Policy of its own (the attendee's pages send no
                # Referer at all), or a Permissions-Policy (the check-in page may use the
                # camera): keep it rather than add a second one. This runs on every cached
                # page, so it looks for those two headers only.
                headers = message.get("headers", [])
                own = {key for key, _value in headers if key in VIEW_MAY_SET}
                ours = [h for h in self.headers if h[0] not in own] if own else self.headers
                message["headers"] = [*headers, *ours]
            await send(message)

        await self.app(scope, receive, send_with_headers)
