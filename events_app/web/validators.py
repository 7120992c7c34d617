"""Validators of stored responses (the page cache, static files): strong ETags, what a
client's If-None-Match / If-Modified-Since says it holds, and sending a stored response (or
304). Bytes, as ASGI headers are."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime

from starlette.types import Scope, Send

from events_app.web.conditional import etag_matches, not_modified_since
from events_app.web.security import SECURITY_HEADER_NAMES


def make_etag(body: bytes) -> bytes:
    # SHA-256 runs in OpenSSL with the CPU's SHA instructions: for a 40 kB page it is more
    # than twice as fast as BLAKE2b here, and it runs on the event loop for every render.
    return b'"' + hashlib.sha256(body).hexdigest()[:32].encode() + b'"'


@dataclass(frozen=True)
class Validators:
    """What the client says it holds: If-None-Match wins over If-Modified-Since (RFC 9110)."""

    if_none_match: bytes | None = None
    if_modified_since: bytes | None = None

    def not_modified(self, etag: bytes, headers: list[tuple[bytes, bytes]]) -> bool:
        if self.if_none_match is not None:
            return etag_matches(self.if_none_match.decode("latin-1"), etag.decode("latin-1"))
        if self.if_modified_since is None:
            return False
        # Only responses that state a Last-Modified (calendar feeds) answer a date.
        last_modified = next((v for k, v in headers if k == b"last-modified"), None)
        return last_modified is not None and not_modified_since(
            self.if_modified_since.decode("latin-1"), _parse_http_date(last_modified)
        )


def _parse_http_date(value: bytes) -> datetime:
    return parsedate_to_datetime(value.decode("latin-1"))


def request_header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return None


# With the security headers: a stored page carries them (the page cache keeps them with it),
# and a 304 is a response like any other.
_KEPT_ON_304 = {b"etag", b"cache-control", b"vary", b"last-modified"} | SECURITY_HEADER_NAMES


async def send_stored(
    send: Send,
    headers: list[tuple[bytes, bytes]],
    body: bytes,
    etag: bytes,
    validators: Validators,
    *,
    head: bool,
) -> None:
    if validators.not_modified(etag, headers):
        kept = [(k, v) for k, v in headers if k in _KEPT_ON_304]
        await send({"type": "http.response.start", "status": 304, "headers": kept})
        await send({"type": "http.response.body", "body": b""})
        return
    length = str(len(body)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [*headers, (b"content-length", length)],
        }
    )
    await send({"type": "http.response.body", "body": b"" if head else body})
