"""Whether an unsafe request comes from one of this site's own pages, by the headers browsers
add to it: Fetch Metadata (`Sec-Fetch-Site`) first, `Origin` for browsers without it.

The rule is the one of Go 1.25's `net/http.CrossOriginProtection` and of the OWASP CSRF cheat
sheet:

1. an `Origin` listed in `EVENTS_CSRF_TRUSTED_ORIGINS` is allowed;
2. `Sec-Fetch-Site: same-origin` or `none` (typed in, a bookmark) is allowed, `cross-site`
   and `same-site` (a sibling subdomain, which may be someone else's) are refused;
3. without `Sec-Fetch-Site`, an `Origin` is allowed when it is the site's own: the origin of
   `EVENTS_BASE_URL`, or the host the request was sent to (the `Host` header, which the
   trusted-host check has already limited to `EVENTS_ALLOWED_HOSTS`), and refused otherwise;
4. a request with neither header is allowed: browsers send one or both with every unsafe
   request since 2020, so such a request is not a browser's, and a forged request is a
   browser's by definition (curl, scripts and the load tests need no token).

It reads only headers, never the body, and keeps nothing: any process can check any request.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.requests import Request

ALLOWED_SITES = frozenset({"same-origin", "none"})


def origin_of(url: str) -> str:
    """`scheme://host[:port]` of a URL, lower-case, as browsers write `Origin`."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def is_own_origin(origin: str, *, base_url: str, host: str) -> bool:
    """Whether `origin` is the site's: its base URL's, or the host the request was sent to
    (any scheme: behind a TLS-terminating proxy the app cannot tell which one the browser
    used, and the host alone is what another site cannot fake)."""
    origin = origin.lower()
    if origin == origin_of(base_url):
        return True
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and bool(host) and parts.netloc == host.lower()


@dataclass(frozen=True)
class SameOriginCheck:
    """The CSRF check of a group of routes by Fetch Metadata and Origin (see the module)."""

    reads_form = False

    def passes(self, request: Request, _form: object = None) -> bool:
        settings = request.app.state.context.settings
        origin = request.headers.get("origin")
        if origin is not None and origin.lower() in settings.csrf_trusted_origins:
            return True
        site = request.headers.get("sec-fetch-site")
        if site is not None:
            return site.lower() in ALLOWED_SITES
        if origin is None:
            return True
        return is_own_origin(
            origin, base_url=settings.base_url, host=request.headers.get("host", "")
        )
