"""What an uploaded or fetched image must pass before anything of it is stored.

The type is read from the first bytes, never from a file name or a Content-Type: JPEG, PNG
and WebP only (no SVG: it is a document that can carry script). The declared size is checked
before a pixel is decoded, so a small file claiming 50,000 × 50,000 pixels (a decompression
bomb) is refused without the memory it would take; Pillow's own warning for large images is
turned into a refusal too. What passes is decoded and later re-encoded (variants.py), which
drops EXIF (GPS positions above all) and whatever a polyglot carried after or between the
image's own data.
"""

from __future__ import annotations

import warnings
from io import BytesIO
from typing import Any

from PIL import Image, ImageOps

# The largest variant is this wide (variants.py): decoding a JPEG at a reduced scale when it
# is much wider saves most of the work and memory.
LARGEST_WIDTH = 1600


class ImageRefused(Exception):
    """Why an image was refused, as a code the forms and the import word for people."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def sniff(data: bytes) -> str | None:
    """The image format the bytes begin with (Pillow's name for it), or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def decode(data: bytes, *, max_bytes: int, max_pixels: int) -> Image.Image:
    """The image in `data` as RGB pixels, upright (EXIF orientation applied), or ImageRefused."""
    if not data:
        raise ImageRefused("image_empty")
    if len(data) > max_bytes:
        raise ImageRefused("image_too_large", megabytes=max(1, max_bytes // (1024 * 1024)))
    kind = sniff(data)
    if kind is None:
        raise ImageRefused("image_type")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            opened = Image.open(BytesIO(data), formats=[kind])
            width, height = opened.size
            if width < 1 or height < 1 or width * height > max_pixels:
                raise ImageRefused("image_dimensions", megapixels=max_pixels // 1_000_000)
            if kind == "JPEG":
                opened.draft("RGB", (LARGEST_WIDTH, LARGEST_WIDTH * height // width or 1))
            opened.load()
            image = ImageOps.exif_transpose(opened)
        except ImageRefused:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ImageRefused("image_dimensions", megapixels=max_pixels // 1_000_000) from exc
        except Exception as exc:  # Pillow raises many kinds for broken files: all are refusals
            raise ImageRefused("image_unreadable") from exc
    return _rgb(image)


def _rgb(image: Image.Image) -> Image.Image:
    """Transparency flattened onto white: JPEG has none, and a cover on a page needs none."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")
