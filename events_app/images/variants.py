"""The files one cover image becomes, and their names.

A stored image is named by its key, `<hash>-<width>x<height>`: the first 16 hex digits of the
SHA-256 of what was uploaded, and the size of its largest variant. The key is all a record
keeps (events and articles have an `image` column), and it says everything a page needs:
which files exist and their sizes, so `width`/`height` attributes reserve the space (no
layout shift) without reading a file. Each file's name holds the key, so it never changes
content and is served with immutable caching.

Per image: up to three widths, each as WebP and JPEG, for <picture>/srcset; and a 1200×630
crop (JPEG) for link previews (og:image, twitter:image, JSON-LD `image`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageOps

from events_app.images.checks import LARGEST_WIDTH

WIDTHS = (480, 960, LARGEST_WIDTH)
SHARE_SIZE = (1200, 630)
KEY_PATTERN = r"[0-9a-f]{16}-[1-9][0-9]{0,4}x[1-9][0-9]{0,4}"
KEY_RE = re.compile(KEY_PATTERN)
FILE_RE = re.compile(rf"({KEY_PATTERN})-(?:[1-9][0-9]{{0,4}}\.(?:webp|jpg)|og\.jpg)")
FORMATS = {"webp": ("WEBP", {"quality": 80, "method": 4}), "jpg": ("JPEG", {"quality": 82})}


def variant_widths(width: int) -> tuple[int, ...]:
    """The widths made of an image `width` pixels wide: never wider than the image itself."""
    return tuple(sorted({min(width, wanted) for wanted in WIDTHS}))


@dataclass(frozen=True)
class Cover:
    """A stored image as pages use it: its files' names, relative to the media directory."""

    key: str
    width: int
    height: int

    @classmethod
    def from_key(cls, key: str | None) -> Cover | None:
        """None for no image or a key that is not one (nothing is shown rather than a
        broken box)."""
        if not key or not KEY_RE.fullmatch(key):
            return None
        width, height = (int(n) for n in key.rsplit("-", 1)[1].split("x"))
        return cls(key, width, height)

    @property
    def widths(self) -> tuple[int, ...]:
        return variant_widths(self.width)

    def height_at(self, width: int) -> int:
        return max(1, round(self.height * width / self.width))

    def name(self, width: int, extension: str) -> str:
        return f"{self.key}-{width}.{extension}"

    @property
    def share_name(self) -> str:
        return f"{self.key}-og.jpg"

    def srcset(self, extension: str, prefix: str) -> str:
        return ", ".join(f"{prefix}{self.name(w, extension)} {w}w" for w in self.widths)

    def fallback(self, prefix: str) -> str:
        """The JPEG a browser without srcset shows: the middle width."""
        widths = self.widths
        return prefix + self.name(widths[len(widths) // 2], "jpg")

    def names(self) -> list[str]:
        names = [self.name(w, ext) for w in self.widths for ext in FORMATS]
        return [*names, self.share_name]


def scaled(image: Image.Image) -> Image.Image:
    """At most LARGEST_WIDTH wide: what the largest variant shows."""
    if image.width <= LARGEST_WIDTH:
        return image
    height = max(1, round(image.height * LARGEST_WIDTH / image.width))
    return image.resize((LARGEST_WIDTH, height), Image.Resampling.LANCZOS)


def encode(image: Image.Image, extension: str) -> bytes:
    """Fresh bytes from the pixels alone: no EXIF, no ICC or XMP, nothing a polyglot hid."""
    kind, options = FORMATS[extension]
    # Pillow writes some metadata from `info` on its own (a JPEG comment, which may hold a
    # whole HTML page): pixels only.
    clean = image.copy()
    clean.info = {}
    out = BytesIO()
    clean.save(out, kind, **options)
    return out.getvalue()


def render(image: Image.Image, cover: Cover) -> dict[str, bytes]:
    """Every file of `cover` (by name), made from `image` (already scaled to its size)."""
    files: dict[str, bytes] = {}
    for width in cover.widths:
        sized = image
        if width != image.width:
            sized = image.resize((width, cover.height_at(width)), Image.Resampling.LANCZOS)
        for extension in FORMATS:
            files[cover.name(width, extension)] = encode(sized, extension)
    share = ImageOps.fit(image, SHARE_SIZE, Image.Resampling.LANCZOS)
    files[cover.share_name] = encode(share, "jpg")
    return files
