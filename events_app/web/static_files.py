"""/static/ served from memory, on the event loop.

Starlette's StaticFiles looks each file up and reads it in the thread pool; when the database
hangs, views fill that pool and stylesheets hang with them. Our static files are a few small
files that ship in the package and never change while the process runs, so they are read once
at start-up and answered from memory, with a strong ETag and 304s, without any thread.

Pages ask for them as `/static/<file>?v=<fingerprint of its bytes>` (static_url()): such an
address never changes meaning, so it is cached for a year as immutable, and a browser asks
again only after a deploy changed the page's links. Any other address (an old fingerprint, or
none) is cached briefly. Text files are also kept gzipped, for the clients that accept it:
site.css shrinks from 30 kB to about 7 kB, and it blocks the first paint of every page.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import time
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path

from starlette.types import Receive, Scope, Send

from events_app.web.validators import Validators, make_etag, request_header, send_stored

IMMUTABLE = b"public, max-age=31536000, immutable"
# An unversioned or outdated address: short, so a page of a previous deploy still loads.
BRIEF = b"public, max-age=300"


@dataclass(frozen=True)
class Encoded:
    body: bytes
    headers: list[tuple[bytes, bytes]]
    etag: bytes


@dataclass(frozen=True)
class StaticFile:
    identity: Encoded
    gzipped: Encoded | None
    fingerprint: bytes  # what static_url() puts after ?v=

    def for_request(self, scope: Scope) -> tuple[Encoded, bytes]:
        """The variant the client accepts, and the Cache-Control its address deserves."""
        encoded = self.identity
        if self.gzipped is not None and _accepts_gzip(request_header(scope, b"accept-encoding")):
            encoded = self.gzipped
        versioned = scope.get("query_string", b"") == b"v=" + self.fingerprint
        return encoded, IMMUTABLE if versioned else BRIEF


def _load(path: Path) -> StaticFile:
    return _stored(path.name, path.read_bytes(), path.stat().st_mtime)


def _stored(name: str, body: bytes, mtime: float) -> StaticFile:
    media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if media_type.startswith("text/") or media_type in ("application/javascript", "image/svg+xml"):
        media_type += "; charset=utf-8"
    modified = formatdate(mtime, usegmt=True).encode()
    headers = [
        (b"content-type", media_type.encode()),
        (b"last-modified", modified),
        (b"accept-ranges", b"none"),
    ]
    fingerprint = hashlib.sha256(body).hexdigest()[:12].encode()
    compressed = gzip.compress(body, compresslevel=9, mtime=0) if _compressible(media_type) else b""
    if not compressed or len(compressed) >= len(body):
        etag = make_etag(body)
        return StaticFile(Encoded(body, [*headers, (b"etag", etag)], etag), None, fingerprint)
    # Each variant its own ETag (RFC 9110 8.8.3), and Vary so a shared cache keeps them apart.
    vary = (b"vary", b"accept-encoding")
    plain_etag, gzip_etag = make_etag(body), make_etag(compressed)
    return StaticFile(
        Encoded(body, [*headers, vary, (b"etag", plain_etag)], plain_etag),
        Encoded(
            compressed,
            [*headers, vary, (b"content-encoding", b"gzip"), (b"etag", gzip_etag)],
            gzip_etag,
        ),
        fingerprint,
    )


def _compressible(media_type: str) -> bool:
    return media_type.startswith("text/") or media_type.split(";")[0] in (
        "application/javascript",
        "application/json",
        "image/svg+xml",
    )


def _accepts_gzip(accept_encoding: bytes | None) -> bool:
    """gzip listed without q=0 (RFC 9110 12.5.3); browsers send "gzip, deflate, br, zstd"."""
    for coding in (accept_encoding or b"").lower().split(b","):
        name, _, params = coding.strip().partition(b";")
        if name.strip() in (b"gzip", b"*"):
            return params.replace(b" ", b"") not in (b"q=0", b"q=0.0", b"q=0.00", b"q=0.000")
    return False


class MemoryStaticFiles:
    """An ASGI app for a Mount: GET and HEAD of the files under `directory`, else 404/405."""

    def __init__(self, directory: Path, generated: dict[str, bytes] | None = None) -> None:
        """`generated`: files made at start-up (the theme stylesheet), by path under the
        directory, served like the others."""
        self.files = {
            "/" + path.relative_to(directory).as_posix(): _load(path)
            for path in sorted(directory.rglob("*"))
            if path.is_file()
        }
        started = time.time()
        for name, body in (generated or {}).items():
            self.files["/" + name] = _stored(name, body, started)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] not in ("GET", "HEAD"):
            await _plain(send, 405, b"Method Not Allowed", [(b"allow", b"GET, HEAD")])
            return
        # Under a Mount, root_path is the mount's prefix and path is still the full path.
        found = self.files.get(scope["path"].removeprefix(scope.get("root_path", "")))
        if found is None:
            await _plain(send, 404, b"Not Found", [])
            return
        validators = Validators(
            request_header(scope, b"if-none-match"), request_header(scope, b"if-modified-since")
        )
        head = scope["method"] == "HEAD"
        encoded, cache_control = found.for_request(scope)
        headers = [*encoded.headers, (b"cache-control", cache_control)]
        await send_stored(send, headers, encoded.body, encoded.etag, validators, head=head)


async def _plain(send: Send, status: int, text: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(text)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": text})
