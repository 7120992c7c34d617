"""/static/ served from memory, on the event loop.

Starlette's StaticFiles looks each file up and reads it in the thread pool; when the database
hangs, views fill that pool and stylesheets hang with them. Our static files are a few small
files that ship in the package and never change while the process runs, so they are read once
at start-up and answered from memory, with a strong ETag and 304s, without any thread.
"""

from __future__ import annotations

import mimetypes
import time
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path

from starlette.types import Receive, Scope, Send

from events_app.web.validators import Validators, make_etag, request_header, send_stored


@dataclass(frozen=True)
class StaticFile:
    body: bytes
    headers: list[tuple[bytes, bytes]]
    etag: bytes


def _load(path: Path) -> StaticFile:
    return _stored(path.name, path.read_bytes(), path.stat().st_mtime)


def _stored(name: str, body: bytes, mtime: float) -> StaticFile:
    media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if media_type.startswith("text/") or media_type in ("application/javascript", "image/svg+xml"):
        media_type += "; charset=utf-8"
    etag = make_etag(body)
    modified = formatdate(mtime, usegmt=True).encode()
    headers = [
        (b"content-type", media_type.encode()),
        (b"etag", etag),
        (b"last-modified", modified),
        (b"accept-ranges", b"none"),
    ]
    return StaticFile(body, headers, etag)


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
        await send_stored(send, found.headers, found.body, found.etag, validators, head=head)


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
