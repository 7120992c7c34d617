"""The one rule for slugs (the name of a page in its address), for events, articles,
categories and imported calendars alike.

Letters and digits of every script are kept, lowercased and joined by hyphens, so that a
Chinese title gives a usable address (`中文标题`) and not an empty one; accents on Latin letters
are dropped (`Café` gives `cafe`), as people type addresses without them.
"""

from __future__ import annotations

import re
import unicodedata

# What a slug may be: words of lowercase letters (any script, no ASCII capitals) or digits,
# joined by single hyphens. Python's and pydantic's regular expressions both read it.
SLUG_PATTERN = r"^[^\W_A-Z]+(?:-[^\W_A-Z]+)*$"
_WORD = re.compile(r"[^\W_]+")


def slugify(text: str, *, max_length: int = 120) -> str:
    """`text` as a slug of at most `max_length` characters; "" when it holds no letter or
    digit at all."""
    decomposed = unicodedata.normalize("NFKD", text)
    unmarked = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    words = _WORD.findall(unicodedata.normalize("NFC", unmarked).lower())
    return "-".join(words)[:max_length].strip("-")
