"""What a new user must be, validated once for the users page and the command line."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from events_app.models import UserRole
from events_app.plain_text import ONE_LINE
from events_app.registration.schemas import normalise_email


def _email_key(value: str) -> str:
    # One account per address however it is typed: stored normalised and in lower case.
    return normalise_email(value)[1]


Email = Annotated[str, Field(min_length=3, max_length=320), AfterValidator(_email_key)]
Name = Annotated[str, Field(max_length=200, pattern=ONE_LINE)]


class UserCreate(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    email: Email
    name: Name = ""
    role: UserRole = UserRole.editor

    @property
    def password_hints(self) -> list[str]:
        """What a password must not be built from (see passwords.accept_password)."""
        return [self.email, self.email.split("@")[0], self.name]
