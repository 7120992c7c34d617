"""The one way to write a public address: a route's name and parameters, turned into a path
by the router and put under EVENTS_BASE_URL. Pages, emails, feeds, the sitemap, JSON-LD, the
API and the import all use it, in a request or not (the mail worker, `events-app import`),
so a route's path is written once, where the route is declared."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlsplit

# What a path may hold as it is (RFC 3986's unreserved and sub-delims, ":" and "@", and "%"
# so that an already encoded path is left alone).
_PATH_SAFE = "/-._~!$&'()*+,;=:@%"


class SiteUrls:
    """Paths and absolute URLs of named routes. `url_path_for` is a router's (Starlette's
    `app.url_path_for`; this module takes it as a function so that it speaks no HTTP).
    A listing builds a hundred links from a few routes and finding a route by name tries
    each in turn, raising on every miss, so paths are remembered."""

    def __init__(self, base_url: str, url_path_for: Callable[..., Any]) -> None:
        self.base_url = base_url.rstrip("/")
        self.base_path = urlsplit(self.base_url).path
        self.url_path_for = url_path_for

        @lru_cache(maxsize=8192)
        def route_path(name: str, params: tuple[tuple[str, str], ...]) -> str:
            # Percent-encoded as a URI needs it: a slug may be Chinese (slugs.py), and the
            # sitemap, calendar files and headers take URIs, not IRIs. Browsers show it
            # decoded; the server decodes it before routing.
            return quote(str(url_path_for(name, **dict(params))), safe=_PATH_SAFE)

        self._route_path = route_path

    def _key(self, params: dict[str, Any]) -> tuple[tuple[str, str], ...]:
        return tuple(sorted((key, str(value)) for key, value in params.items()))

    def route_path(self, name: str, /, **params: Any) -> str:
        """The route's path as the router gives it, without the base URL's path."""
        return self._route_path(name, self._key(params))

    def path(self, name: str, /, **params: Any) -> str:
        """The route's path on this site (under the base URL's path, if it has one)."""
        return self.base_path + self._route_path(name, self._key(params))

    def __call__(self, name: str, /, **params: Any) -> str:
        """The route's absolute URL, e.g. `urls("event_detail", slug="x")`."""
        return self.base_url + self._route_path(name, self._key(params))

    def absolute(self, path: str) -> str:
        """A path this site wrote (from `path`) as an absolute URL; anything else unchanged."""
        if path.startswith("/") and path.startswith(self.base_path):
            return self.base_url + path[len(self.base_path) :]
        return path

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SiteUrls) and (other.base_url, other.url_path_for) == (
            self.base_url,
            self.url_path_for,
        )

    def __hash__(self) -> int:
        return hash((self.base_url, self.url_path_for))
