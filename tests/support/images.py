"""Image files for tests, made here with Pillow: ordinary ones, one carrying a GPS position,
and hostile ones (a decompression bomb's header, SVG with script, polyglots)."""

from __future__ import annotations

import struct
import zlib
from io import BytesIO

from PIL import Image

GPS_IFD = 0x8825


def picture(width: int = 1000, height: int = 700, colour: str = "#3366aa") -> Image.Image:
    image = Image.new("RGB", (width, height), colour)
    for x in range(0, width, 50):  # something to compress: stripes
        image.paste((200, 120, 40), (x, 0, x + 10, height))
    return image


def jpeg(width: int = 1000, height: int = 700, *, gps: bool = False, **options: object) -> bytes:
    out = BytesIO()
    image = picture(width, height)
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "SpyCam"  # Make
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (52.0, 31.0, 0.0), 3: "E", 4: (13.0, 24.0, 0.0)})
        options["exif"] = exif
    image.save(out, "JPEG", **options)
    return out.getvalue()


def png(width: int = 800, height: int = 600, *, mode: str = "RGB") -> bytes:
    out = BytesIO()
    picture(width, height).convert(mode).save(out, "PNG")
    return out.getvalue()


def webp(width: int = 640, height: int = 480) -> bytes:
    out = BytesIO()
    picture(width, height).save(out, "WEBP")
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def png_bomb(width: int = 50_000, height: int = 50_000) -> bytes:
    """A small PNG whose header claims `width` × `height` pixels (a decompression bomb)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", rows)
        + _chunk(b"IEND", b"")
    )


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script><rect width="
    b'"10" height="10"/></svg>'
)

HTML_PAGE = b"<!doctype html><html><body><script>alert(1)</script></body></html>"

ZIP_MARK = b"PK\x03\x04"


def jpeg_zip_polyglot() -> bytes:
    """A JPEG with a ZIP archive after it: a valid image to image readers, an archive to
    unzip (which reads from the end)."""
    archive = BytesIO()
    import zipfile

    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("payload.html", HTML_PAGE)
    return jpeg(400, 300) + archive.getvalue()


def jpeg_html_polyglot() -> bytes:
    """A JPEG whose comment segment holds an HTML page: a browser sniffing it might run it."""
    data = jpeg(400, 300)
    comment = b"\xff\xfe" + struct.pack(">H", len(HTML_PAGE) + 2) + HTML_PAGE
    return data[:2] + comment + data[2:]
