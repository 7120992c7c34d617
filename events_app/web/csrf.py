"""CSRF protection by double submit, stateless.

Every page with a form makes sure the visitor has the cookie `events_csrf` (a random value
from `secrets`, signed with the site's secret key) and writes the same value into the form's
hidden `csrf_token` field. A POST is accepted only when the field equals the cookie and the
signature holds: another site can make a browser send the cookie, but cannot read it to put
it in the form; and the signature stops a cookie planted from a sibling domain from counting.
Nothing is stored on the server, so any process can check any form.

`CsrfMiddleware` checks every unsafe request (POST, PUT, PATCH, DELETE) before any view runs,
so a new form route is protected without opting in. How a request is checked and how a refusal
looks is a `CsrfPolicy` per path prefix, decided in one list in app.py: the JSON API is exempt
(it takes no forms, only JSON, and has its own rules), the back office and the public forms
check this token. A later change of how one group is protected (such as Fetch Metadata for the
public forms) is a different policy for that prefix.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, Signer
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE_NAME = "events_csrf"
FIELD_NAME = "csrf_token"
_SALT = "events-csrf"
_STATE_ATTR = "csrf_issued"


def _signer(secret_key: str) -> Signer:
    return Signer(secret_key, salt=_SALT)


def new_token(secret_key: str) -> str:
    return _signer(secret_key).sign(secrets.token_urlsafe(24)).decode()


def is_valid(secret_key: str, token: str | None) -> bool:
    if not token or len(token) > 200:
        return False
    try:
        return _signer(secret_key).validate(token)
    except BadSignature:  # pragma: no cover - validate() returns False, never raises
        return False


def _secret_key(request: Request) -> str:
    secret: str = request.app.state.context.settings.secret_key
    return secret


def csrf_token(request: Request) -> str:
    """The visitor's token: the cookie's when it is valid, otherwise a new one, which
    `set_csrf_cookie` then sends (the same one however often this is called per request)."""
    secret = _secret_key(request)
    existing = request.cookies.get(COOKIE_NAME)
    if existing and is_valid(secret, existing):
        return existing
    token: str | None = getattr(request.state, _STATE_ATTR, None)
    if token is None:
        token = new_token(secret)
        setattr(request.state, _STATE_ATTR, token)
    return token


def set_csrf_cookie(request: Request, response: Response) -> None:
    """Send the cookie when `csrf_token` had to make a new token for this request."""
    token: str | None = getattr(request.state, _STATE_ATTR, None)
    if token is None:
        return
    response.set_cookie(
        COOKIE_NAME,
        token,
        path="/",
        httponly=True,
        samesite="lax",
        secure=bool(request.app.state.context.settings.uses_https),
    )


def csrf_ok(request: Request, form: Mapping[str, Any]) -> bool:
    """Whether a submitted form carries the visitor's token."""
    cookie = request.cookies.get(COOKIE_NAME)
    field = form.get(FIELD_NAME)
    if not cookie or not isinstance(field, str) or not field:
        return False
    if not hmac.compare_digest(cookie.encode(), field.encode()):
        return False
    return is_valid(_secret_key(request), cookie)


UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Enough for the largest back-office form; a form with more fields is refused by its view (400).
_MAX_FIELDS = 1000

Refusal = Callable[[Request], Response | Awaitable[Response]]


@dataclass(frozen=True)
class CsrfPolicy:
    """For the unsafe requests whose path starts with `prefix`: `refuse` renders the answer
    to a request without a valid token; `None` exempts the group (it has its own rules)."""

    prefix: str
    refuse: Refusal | None


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def _reaches_a_view(scope: Scope) -> bool:
    """Whether a route takes this method at this path: the rest (404, 405) change nothing,
    and answer as they would without this check."""
    routes = scope["app"].router.routes
    return any(route.matches(scope)[0] == Match.FULL for route in routes)


class CsrfMiddleware:
    """Refuses unsafe requests without the visitor's token, by the first matching policy."""

    def __init__(self, app: ASGIApp, *, policies: Sequence[CsrfPolicy]) -> None:
        self.app = app
        self.policies = tuple(policies)

    def policy_for(self, path: str) -> CsrfPolicy | None:
        return next((p for p in self.policies if path.startswith(p.prefix)), None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE_METHODS:
            await self.app(scope, receive, send)
            return
        policy = self.policy_for(scope["path"])
        if policy is None or policy.refuse is None or not _reaches_a_view(scope):
            await self.app(scope, receive, send)
            return
        body = b""
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        request = Request(scope, _replay(body))
        try:
            form = await request.form(max_files=0, max_fields=_MAX_FIELDS)
        except Exception:
            await self.app(scope, _replay(body), send)
            return
        if csrf_ok(request, form):
            await self.app(scope, _replay(body), send)
            return
        scope.setdefault("router", scope["app"].router)
        answer = policy.refuse(request)
        response = answer if isinstance(answer, Response) else await answer
        await response(scope, _replay(b""), send)
