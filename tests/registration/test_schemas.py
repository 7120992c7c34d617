"""What a registration must contain, as data: the form and the JSON API check the same model,
and the API's document states the same rules (its schema is this model's)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from pydantic import ValidationError

from events_app.registration.schemas import RegistrationCreate, RegistrationUpdate

VALID = {"name": " Ada Lovelace ", "email": "Ada@Example.org", "consent": True}


def errors(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        RegistrationCreate.model_validate(data)
    return {str(error["loc"][0]): error["type"] for error in caught.value.errors()}


def test_a_valid_registration_is_cleaned() -> None:
    data = RegistrationCreate.model_validate(VALID)
    assert (data.name, data.email, data.email_key, data.organisation) == (
        "Ada Lovelace",
        "Ada@example.org",
        "ada@example.org",
        "",
    )


def test_consent_is_required_and_must_be_given() -> None:
    assert errors({**VALID, "consent": False}) == {"consent": "value_error"}
    assert errors({"name": "Ada", "email": "ada@example.org"}) == {"consent": "missing"}


@pytest.mark.parametrize("name", ["", "   ", "Ada\nLovelace", "Ada\x00", "\t"])
def test_a_name_is_one_line_with_something_in_it(name: str) -> None:
    assert "name" in errors({**VALID, "name": name})
    with pytest.raises(ValidationError):
        RegistrationUpdate.model_validate({"name": name})


def test_an_organisation_may_be_empty_but_is_one_line() -> None:
    assert RegistrationCreate.model_validate({**VALID, "organisation": "  "}).organisation == ""
    assert errors({**VALID, "organisation": "A\r\nB"}) == {
        "organisation": "string_pattern_mismatch"
    }


def test_the_json_schema_states_the_rules() -> None:
    schema = RegistrationCreate.model_json_schema()["properties"]
    assert schema["consent"]["const"] is True
    assert schema["email"]["format"] == "email"
    pattern = re.compile(schema["name"]["pattern"])
    assert pattern.match("Ada Lovelace")
    assert not pattern.match("   ")
    assert not pattern.match("Ada\nLovelace")
