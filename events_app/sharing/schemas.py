"""What "Send this to a friend" accepts: one recipient address, the sender's name and an
optional note, each on a single line.

Every field refuses CR, LF, NUL and every other control or line-separator character, so no
value can ever start a new line in a message's headers (the subject carries the name) or
smuggle one into its text. Web addresses are refused in the name and the note: the email
already carries the link to the page being shared, and a friend's note needs no other, while
a spammer's needs nothing else.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from events_app.plain_text import is_single_line
from events_app.registration.schemas import normalise_email
from events_app.sharing.addresses import contains_web_address, mailbox_key
from events_app.validation_errors import errors_by_field

NAME_MAX = 100
NOTE_MAX = 500


class LineBreak(ValueError):
    """A control character or line break: the field must be one line of plain text."""


class WebAddress(ValueError):
    """A web address where none is allowed."""


def single_line(value: object) -> object:
    """Run on the raw value, before whitespace is stripped: a trailing CR or LF is refused
    too, not quietly removed."""
    if isinstance(value, str) and not is_single_line(value):
        raise LineBreak("must be a single line of plain text")
    return value


def no_web_address(value: str) -> str:
    if contains_web_address(value):
        raise WebAddress("must not contain a web address")
    return value


def _recipient(value: str) -> str:
    return normalise_email(value)[0]


class ShareRequest(BaseModel):
    """Validated with the raw strings of the form; whitespace around them is ignored."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    email: Annotated[
        str,
        Field(min_length=3, max_length=320),
        BeforeValidator(single_line),
        AfterValidator(_recipient),
    ]
    name: Annotated[
        str,
        Field(min_length=1, max_length=NAME_MAX),
        BeforeValidator(single_line),
        AfterValidator(no_web_address),
    ]
    note: Annotated[
        str,
        Field(max_length=NOTE_MAX),
        BeforeValidator(single_line),
        AfterValidator(no_web_address),
    ] = ""

    @property
    def email_key(self) -> str:
        """What "the same recipient" means for the per-recipient limit: the mailbox, so
        that `victim+1@` and `v.ictim+2@gmail.com` count as `victim@gmail.com`."""
        return mailbox_key(self.email)


def error_codes(exc: ValidationError) -> dict[str, str]:
    """One code per field, which the template words: required, invalid (the address),
    too_long, single_line or no_links."""
    codes: dict[str, str] = {}
    for field, error in errors_by_field(exc).items():
        if isinstance(error.cause, LineBreak):
            codes[field] = "single_line"
        elif isinstance(error.cause, WebAddress):
            codes[field] = "no_links"
        elif error.kind in ("missing", "string_too_short"):
            codes[field] = "required"
        elif error.kind == "string_too_long":
            codes[field] = "too_long"
        else:
            codes[field] = "invalid"
    return codes
