"""The CSRF token of pages behind a sign-in, bound to the session and so renewed at sign-in.

While a session cookie is present, the token is a signature of that cookie's value (HMAC
with the site's secret key, through itsdangerous): every sign-in issues a new session value,
so the token changes with it, and a token seen before signing in (one planted in the
browser, say) is worth nothing after. It needs no cookie of its own and nothing stored.

Before signing in there is no session: the sign-in form then carries a pre-session token by
double submit, a random value signed with the secret key, in the cookie `events_csrf` and in
the form's hidden `csrf_token` field. Another site can make a browser send the cookie but
cannot read it; the signature stops a cookie planted from a sibling domain from counting,
and over HTTPS the cookie is `__Host-events_csrf` (Secure, `Path=/`, no `Domain`), which a
sibling domain cannot set at all. This token only ever opens the sign-in form: once the
session cookie is there, only the session's token is accepted.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from itsdangerous import Signer
from starlette.requests import Request
from starlette.responses import Response

COOKIE_NAME = "events_csrf"
HOST_PREFIX = "__Host-"
FIELD_NAME = "csrf_token"
# A page's script sending JSON (the check-in page's sync) puts the session's token here
# instead of in a form field. Only the session's token: the sign-in form is a plain form.
HEADER_NAME = "x-csrf-token"
_PRE_SESSION_SALT = "events-csrf"
_SESSION_SALT = "events-session-csrf"
_STATE_ATTR = "csrf_issued"
_MAX_LENGTH = 200


def cookie_name(*, https: bool) -> str:
    return HOST_PREFIX + COOKIE_NAME if https else COOKIE_NAME


def new_token(secret_key: str) -> str:
    return Signer(secret_key, salt=_PRE_SESSION_SALT).sign(secrets.token_urlsafe(24)).decode()


def is_valid(secret_key: str, token: str | None) -> bool:
    """Whether `token` is a pre-session token this site signed."""
    if not token or len(token) > _MAX_LENGTH:
        return False
    return Signer(secret_key, salt=_PRE_SESSION_SALT).validate(token)


def session_token(secret_key: str, session_value: str) -> str:
    """The token of the session whose cookie holds `session_value`."""
    signer = Signer(secret_key, salt=_SESSION_SALT)
    return signer.get_signature(session_value).decode()


def _settings(request: Request) -> Any:
    return request.app.state.context.settings


@dataclass(frozen=True)
class SessionBoundToken:
    """The token check of a group of routes whose session lives in `session_cookie`: what
    its pages put in their forms (`for_page`) and what its unsafe requests must carry
    (`passes`)."""

    session_cookie: str
    reads_form = True

    def _cookie(self, request: Request) -> str:
        return cookie_name(https=bool(_settings(request).uses_https))

    def for_page(self, request: Request) -> str:
        """The token for this request's forms; `set_cookie` sends the cookie when a new
        pre-session token had to be made (the same one however often this is called)."""
        secret = _settings(request).secret_key
        session = request.cookies.get(self.session_cookie)
        if session:
            return session_token(secret, session)
        existing = request.cookies.get(self._cookie(request))
        if existing and is_valid(secret, existing):
            return existing
        token: str | None = getattr(request.state, _STATE_ATTR, None)
        if token is None:
            token = new_token(secret)
            setattr(request.state, _STATE_ATTR, token)
        return token

    def set_cookie(self, request: Request, response: Response) -> None:
        token: str | None = getattr(request.state, _STATE_ATTR, None)
        if token is None:
            return
        https = bool(_settings(request).uses_https)
        response.set_cookie(
            cookie_name(https=https), token, path="/", httponly=True, samesite="lax", secure=https
        )

    def forget_pre_session(self, request: Request, response: Response) -> None:
        """At sign-in: the pre-session cookie has done its job."""
        if self._cookie(request) in request.cookies:
            https = bool(_settings(request).uses_https)
            response.delete_cookie(
                self._cookie(request), path="/", httponly=True, samesite="lax", secure=https
            )

    def passes(self, request: Request, form: Mapping[str, Any] | None) -> bool:
        secret = _settings(request).secret_key
        session = request.cookies.get(self.session_cookie)
        field = (form or {}).get(FIELD_NAME)
        header = request.headers.get(HEADER_NAME)
        if field is None and header is not None and session:
            field = header
        if not isinstance(field, str) or not field or len(field) > _MAX_LENGTH:
            return False
        if session:
            expected = session_token(secret, session)
            return hmac.compare_digest(expected.encode(), field.encode())
        cookie = request.cookies.get(self._cookie(request))
        if not cookie or not hmac.compare_digest(cookie.encode(), field.encode()):
            return False
        return is_valid(secret, cookie)
