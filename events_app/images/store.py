"""The media directory (EVENTS_MEDIA_DIR): where an image's variants are written, once.

Files are written under a temporary name and renamed into place, so a reader (another node
sharing the directory, or a request arriving now) sees a whole file or none. The same image
uploaded twice has the same key and is not written again. A file is never changed or
deleted by a save; one whose record is gone or changed stays until an operator clears it
(docs/operators/media.md), since a cached page may still name it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from events_app.config import Settings
from events_app.images.checks import decode
from events_app.images.variants import Cover, render, scaled


@dataclass(frozen=True)
class MediaStore:
    directory: Path
    max_bytes: int
    max_pixels: int

    @classmethod
    def from_settings(cls, settings: Settings) -> MediaStore:
        return cls(settings.media_dir, settings.max_image_bytes, settings.max_image_pixels)

    def save(self, data: bytes) -> str:
        """Check `data`, write its variants, and return its key; raises ImageRefused. CPU
        work (decoding, resizing, encoding): call it from a worker thread."""
        image = scaled(decode(data, max_bytes=self.max_bytes, max_pixels=self.max_pixels))
        digest = hashlib.sha256(data).hexdigest()[:16]
        key = f"{digest}-{image.width}x{image.height}"
        cover = Cover.from_key(key)
        assert cover is not None
        if self.has(key):
            return key
        self.directory.mkdir(parents=True, exist_ok=True)
        for name, body in render(image, cover).items():
            self._write(name, body)
        return key

    def has(self, key: str) -> bool:
        """Whether every file of the image `key` is stored."""
        cover = Cover.from_key(key)
        return cover is not None and all((self.directory / n).is_file() for n in cover.names())

    def _write(self, name: str, body: bytes) -> None:
        handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(body)
            os.chmod(temporary, 0o644)
            os.replace(temporary, self.directory / name)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
