"""What a registration form must contain, validated once for the form and the API alike."""

from __future__ import annotations

import re
from typing import Annotated

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _single_line(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters or line breaks")
    return value


def normalise_email(raw: str) -> tuple[str, str]:
    """(address as it will be written to, key that says when two addresses are the same).
    Raises ValueError with a readable message."""
    if _CONTROL.search(raw):
        raise ValueError("must not contain control characters or line breaks")
    try:
        result = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from exc
    return result.normalized, result.normalized.lower()


def _email(value: str) -> str:
    return normalise_email(value)[0]


class AttendeeDetails(BaseModel):
    """Who is coming: what the public form asks, and what an organiser enters when adding
    someone by hand (the organiser, not the attendee, answers for the consent then)."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    name: Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_single_line)]
    email: Annotated[str, Field(min_length=3, max_length=320), AfterValidator(_email)]
    organisation: Annotated[str, Field(max_length=200), AfterValidator(_single_line)] = ""

    @property
    def email_key(self) -> str:
        return self.email.lower()


class RegistrationCreate(AttendeeDetails):
    consent: bool


class RegistrationUpdate(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    name: Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_single_line)]
    organisation: Annotated[str, Field(max_length=200), AfterValidator(_single_line)] = ""
