"""/media/: the cover images' variants from the media directory (EVENTS_MEDIA_DIR).

A file's name holds its content's hash (events_app/images/variants.py), so a name always
means the same bytes: answers carry `Cache-Control: public, max-age=31536000, immutable`,
and the name itself is the ETag. Only names of the shape the store writes are looked up
(no path, no dot-file, no traversal); anything else, and a name not stored, is a 404. Files
are read in a worker thread: a slow disk (shared storage) must not stall the event loop.
"""

from __future__ import annotations

from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.types import Receive, Scope, Send

from events_app.images.variants import FILE_RE
from events_app.web.static_files import _plain
from events_app.web.validators import Validators, request_header, send_stored

IMMUTABLE = b"public, max-age=31536000, immutable"
TYPES = {".webp": b"image/webp", ".jpg": b"image/jpeg"}


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


class MediaFiles:
    """An ASGI app for a Mount: GET and HEAD of stored image variants, else 404/405."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] not in ("GET", "HEAD"):
            await _plain(send, 405, b"Method Not Allowed", [(b"allow", b"GET, HEAD")])
            return
        name = scope["path"].removeprefix(scope.get("root_path", "")).removeprefix("/")
        body = None
        if FILE_RE.fullmatch(name):
            body = await run_in_threadpool(_read, self.directory / name)
        if body is None:
            await _plain(send, 404, b"Not Found", [])
            return
        etag = b'"' + name.encode() + b'"'
        headers = [
            (b"content-type", TYPES[Path(name).suffix]),
            (b"cache-control", IMMUTABLE),
            (b"etag", etag),
            (b"accept-ranges", b"none"),
        ]
        validators = Validators(request_header(scope, b"if-none-match"), None)
        head = scope["method"] == "HEAD"
        await send_stored(send, headers, body, etag, validators, head=head)
