"""The Content-Disposition header of a download, for any file name (RFC 6266).

File names come from slugs, which may be Chinese (slugs.py); a header carries only Latin-1, so
a name written into it as it is made Starlette fail with a 500. The header says the name
twice: `filename` in ASCII for old clients, `filename*` in UTF-8 (RFC 8187) for the others,
which prefer it.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote


def content_disposition(kind: str, filename: str) -> str:
    """`kind` is "attachment" or "inline"."""
    if kind not in ("attachment", "inline"):
        raise ValueError(f"a disposition is attachment or inline, not {kind!r}")
    if filename.isascii() and '"' not in filename and "\\" not in filename:
        return f'{kind}; filename="{filename}"'
    fallback = _ascii_fallback(filename)
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _ascii_fallback(filename: str) -> str:
    stem, dot, extension = filename.rpartition(".")
    if not dot:
        stem, extension = filename, ""
    plain = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    plain = re.sub(r"[^A-Za-z0-9_]+", "-", plain).strip("-")
    name = plain or "download"
    return f"{name}.{extension}" if dot and extension.isascii() else name
