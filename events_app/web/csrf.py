"""CSRF protection of every unsafe request, by a policy per group of routes.

`CsrfMiddleware` checks every unsafe request (POST, PUT, PATCH, DELETE) before any view runs,
so a new form route is protected without opting in. A `CsrfPolicy` per path prefix, decided
in one list in app.py (`CSRF_POLICIES`), says how a group is checked and how a refusal looks:

- the JSON API is exempt: it takes no forms, only JSON, and has its own CORS rules;
- the public forms (register, confirm, cancel, manage, share) are checked by Fetch Metadata
  and `Origin` (`SameOriginCheck`, web/cross_origin.py): no per-visitor token, so their pages
  are the same bytes for every visitor;
- the back office is checked by Fetch Metadata and `Origin` and by a token bound to the
  signed-in session, renewed at sign-in (`SessionBoundToken`, web/csrf_token.py), with a
  pre-session token for the sign-in form.

Every check of a policy must pass. Header checks run first, so a cross-site request is
refused before its body is read; the token is read from the form, and the body is then
replayed to the view.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Enough for the largest back-office form; a form with more fields is refused by its view (400).
_MAX_FIELDS = 1000
# The most files a back-office form carries (a cover image): the token must be read from
# such a form too, or the form would reach its view unchecked.
_MAX_FILES = 1

Refusal = Callable[[Request], Response | Awaitable[Response]]


class CsrfCheck(Protocol):
    """One way of telling a request of this site's pages from a forged one."""

    @property
    def reads_form(self) -> bool:
        """Whether `passes` needs the submitted form (otherwise it is given None)."""

    def passes(self, request: Request, form: Mapping[str, Any] | None) -> bool: ...


@dataclass(frozen=True)
class CsrfPolicy:
    """For the unsafe requests whose path starts with `prefix`: every one of `checks` must
    pass, and `refuse` renders the answer when one does not. No checks exempt the group (it
    has its own rules)."""

    prefix: str
    checks: tuple[CsrfCheck, ...] = ()
    refuse: Refusal | None = None

    def __post_init__(self) -> None:
        if self.checks and self.refuse is None:
            raise ValueError(f"the CSRF policy of {self.prefix} checks but cannot refuse")

    @property
    def exempt(self) -> bool:
        return not self.checks


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


async def _read_body(receive: Receive) -> bytes | None:
    """The whole body, or None when the client went away."""
    body = b""
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        body += message.get("body", b"")
        if not message.get("more_body", False):
            return body


class CsrfMiddleware:
    """Refuses unsafe requests that fail their group's checks, by the first matching policy."""

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
        if policy is None or policy.exempt or not _reaches_a_view(scope):
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        if not all(check.passes(request, None) for check in policy.checks if not check.reads_form):
            await self._refuse(policy, request, scope, send)
            return
        form_checks = [check for check in policy.checks if check.reads_form]
        if not form_checks:
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        if body is None:
            return
        request = Request(scope, _replay(body))
        try:
            # The body limit (outside) has bounded the body: a field may be all of it.
            longest = max(len(body), 1024 * 1024)
            form = await request.form(
                max_files=_MAX_FILES, max_fields=_MAX_FIELDS, max_part_size=longest
            )
        except Exception:
            await self.app(scope, _replay(body), send)
            return
        if all(check.passes(request, form) for check in form_checks):
            await self.app(scope, _replay(body), send)
            return
        await self._refuse(policy, request, scope, send)

    async def _refuse(self, policy: CsrfPolicy, request: Request, scope: Scope, send: Send) -> None:
        assert policy.refuse is not None
        scope.setdefault("router", scope["app"].router)
        answer = policy.refuse(request)
        response = answer if isinstance(answer, Response) else await answer
        await response(scope, _replay(b""), send)
