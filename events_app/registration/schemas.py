"""What a registration form must contain, validated once for the form and the API alike."""

from __future__ import annotations

import re
from typing import Annotated

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from events_app.models import MAX_GUESTS
from events_app.nulls import NullMeansEmpty, null_as_empty
from events_app.plain_text import NOT_BLANK_LINE, ONE_LINE
from events_app.registration.answers import GivenAnswers

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


# One line of text (events_app/plain_text.py; checked after the surrounding whitespace is
# stripped). Written as patterns so that the API's JSON schema states them too.
Name = Annotated[str, Field(min_length=1, max_length=200, pattern=NOT_BLANK_LINE)]
Organisation = Annotated[str, Field(max_length=200, pattern=ONE_LINE)]


def normalise_email(raw: str) -> tuple[str, str]:
    """(address as it will be written to, key that says when two addresses are the same).
    Raises ValueError with a readable message."""
    if _CONTROL.search(raw):
        raise ValueError("must not contain control characters or line breaks")
    try:
        result = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from exc
    return result.normalized, email_key(result.normalized)


def email_key(address: str) -> str:
    """When two normalised addresses are the same person's: compared without case."""
    return address.lower()


def _email(value: str) -> str:
    return normalise_email(value)[0]


def _zero_if_null(value: object) -> object:
    return 0 if value is None else value  # null means none, as NullMeansEmpty says


def _consented(value: bool) -> bool:
    # A rule of the data, not of one form: the API accepts registrations too.
    if not value:
        raise ValueError("consent to the privacy notice is required")
    return value


class AttendeeDetails(NullMeansEmpty, BaseModel):
    """Who is coming: what the public form and the API ask, and what an organiser enters when
    adding someone by hand (the organiser, not the attendee, answers for the consent then)."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    name: Name
    email: Annotated[
        str,
        Field(
            min_length=3,
            max_length=320,
            json_schema_extra={"format": "email"},
            description="Checked with email-validator, which also refuses some addresses the "
            "email format allows, such as those at special-use domains (.test, .invalid).",
        ),
        AfterValidator(_email),
    ]
    organisation: null_as_empty(Organisation) = ""  # type: ignore[valid-type]

    @property
    def email_key(self) -> str:
        return email_key(self.email)


class RegistrationCreate(AttendeeDetails):
    consent: Annotated[
        bool,
        AfterValidator(_consented),
        Field(
            json_schema_extra={"const": True},
            description="Consent to the privacy notice (/privacy); must be true.",
        ),
    ]
    # Checked against the event's questions by registration/answers.py (the form fills it
    # from its q_<key> fields there, the API from this field).
    answers: GivenAnswers = {}
    # Checked against the event's own max_guests by the service (TooManyGuests).
    guests: Annotated[
        int,
        BeforeValidator(_zero_if_null, json_schema_input_type=int | None),
        Field(
            ge=0,
            le=MAX_GUESTS,
            description="How many guests come with the attendee: from 0 to the event's "
            "max_guests. The party takes 1 + guests seats, together or not at all.",
        ),
    ] = 0


class RegistrationUpdate(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    name: Name
    organisation: null_as_empty(Organisation) = ""  # type: ignore[valid-type]
