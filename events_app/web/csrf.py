"""CSRF protection by double submit, stateless.

Every page with a form makes sure the visitor has the cookie `events_csrf` (a random value
from `secrets`, signed with the site's secret key) and writes the same value into the form's
hidden `csrf_token` field. A POST is accepted only when the field equals the cookie and the
signature holds: another site can make a browser send the cookie, but cannot read it to put
it in the form; and the signature stops a cookie planted from a sibling domain from counting.
Nothing is stored on the server, so any process can check any form.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping
from typing import Any

from itsdangerous import BadSignature, Signer
from starlette.requests import Request
from starlette.responses import Response

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
