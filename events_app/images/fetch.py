"""An image fetched by its URL (the JSON import's `image_url`), before the checks every
upload passes (store.py).

Only http and https; a timeout and a size cap on the answer; and, unless the operator allows
it (EVENTS_IMAGE_FETCH_PRIVATE, for tests and closed networks), never an address inside the
server's own networks (loopback, private, link-local such as cloud metadata services), so an
import file cannot make the server read its neighbours. Every redirect is checked the same
way. (The name is resolved for the check and again by the connection; a name that changes
its answer between the two could slip through: the import is for trusted staff.)
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from events_app.images.checks import ImageRefused

MAX_REDIRECTS = 3


def check_address(url: str, *, allow_private: bool) -> None:
    """ImageRefused unless `url` is http(s) and (unless allowed) resolves to public addresses."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImageRefused("image_url_scheme")
    if allow_private:
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (OSError, ValueError) as exc:
        raise ImageRefused("image_url_failed") from exc
    for *_rest, address in found:
        ip = ipaddress.ip_address(str(address[0]).split("%", 1)[0])
        if not ip.is_global:
            raise ImageRefused("image_url_private")


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def __init__(self, check: Callable[[str], None]) -> None:
        self.check = check

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str):  # type: ignore[no-untyped-def]
        self.check(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch_image(url: str, *, timeout: float, max_bytes: int, allow_private: bool) -> bytes:
    """The bytes at `url`, at most `max_bytes` of them; ImageRefused otherwise."""

    def check(address: str) -> None:
        check_address(address, allow_private=allow_private)

    check(url)
    opener = urllib.request.build_opener(_CheckedRedirects(check))
    request = urllib.request.Request(url, headers={"User-Agent": "events-app image import"})  # noqa: S310
    try:
        with opener.open(request, timeout=timeout) as answer:
            data: bytes = answer.read(max_bytes + 1)
    except ImageRefused:
        raise
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise ImageRefused("image_url_failed") from exc
    if len(data) > max_bytes:
        raise ImageRefused("image_too_large", megabytes=max(1, max_bytes // (1024 * 1024)))
    return data
