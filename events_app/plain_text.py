"""What a single line of plain text may hold, checked the same way everywhere it is entered:
the back office, the JSON and iCalendar imports, the API and the public forms.

A title, a venue or a name ends up in email headers (where a line break is refused by the
mail library: the email could never be sent), in iCalendar content lines, in page titles and
in feeds. So a single-line field refuses every control character (C0 and C1: CR, LF, NUL,
tab, NEL U+0085 ...), the Unicode line and paragraph separators (U+2028, U+2029) and the
bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069), which can make a
title read backwards ("Trojan Source"). Multi-line fields (descriptions, notes) keep their
line breaks but refuse the rest.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator

# Regex escapes, not the characters themselves: `\xNN` and `\uNNNN` read the same in Python's
# `re`, in pydantic's Rust engine and in the JSON Schema the API publishes (ECMA-262), and a
# raw NUL or C1 character in that schema would make the API reference page invalid HTML.
_BIDI = r"\u202a-\u202e\u2066-\u2069"
_NOT_IN_A_LINE = r"\x00-\x1f\x7f-\x9f\u2028\u2029" + _BIDI
_NOT_IN_TEXT = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f" + _BIDI

# Patterns for pydantic fields (and so for the API's schema): one line, and one line with at
# least one character that is not a space.
ONE_LINE = f"^[^{_NOT_IN_A_LINE}]*$"
NOT_BLANK_LINE = f"^[^{_NOT_IN_A_LINE}]*[^\\s{_NOT_IN_A_LINE}][^{_NOT_IN_A_LINE}]*$"

_LINE_BREAKER = re.compile(f"[{_NOT_IN_A_LINE}]")
_TEXT_BREAKER = re.compile(f"[{_NOT_IN_TEXT}]")

# Every message below contains "control characters": the back office's form errors key on it.
SINGLE_LINE_MESSAGE = "must be a single line without control characters or direction overrides"
TEXT_MESSAGE = "must not contain control characters or direction overrides"


def is_single_line(value: str) -> bool:
    return _LINE_BREAKER.search(value) is None


def single_line(value: object) -> object:
    """A pydantic BeforeValidator for one line of plain text: it sees the value before
    whitespace is stripped, so a trailing CR, LF, NEL or U+2028 is refused too, not quietly
    removed."""
    if isinstance(value, str) and not is_single_line(value):
        raise ValueError(SINGLE_LINE_MESSAGE)
    return value


def plain_text(value: str) -> str:
    """Text that may span lines (LF, CR, tab) but holds no other control character."""
    if _TEXT_BREAKER.search(value):
        raise ValueError(TEXT_MESSAGE)
    return value


SingleLine = Annotated[str, BeforeValidator(single_line)]
PlainText = Annotated[str, AfterValidator(plain_text)]
