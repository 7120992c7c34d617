"""Pydantic's errors read one way (events_app/validation_errors.py), on the app's own schemas
where they show the case."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import BaseModel, Field, ValidationError, model_validator

from events_app.events.schemas import EventCreate
from events_app.sharing.schemas import LineBreak, ShareRequest
from events_app.validation_errors import (
    all_errors,
    errors_by_field,
    messages_by_field,
    read_error,
)


def _refused(model: type[BaseModel], values: object) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(values)
    return caught.value


def _event(**changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "title": "Open day",
        "slug": "open-day",
        "starts_at": "2026-12-08T14:00:00",
        "ends_at": "2026-12-08T16:00:00",
        "timezone": "Europe/Berlin",
    }
    return {**values, **changes}


class Nested(BaseModel):
    tags: list[Annotated[str, Field(max_length=3)]]
    count: int = 0

    @model_validator(mode="after")
    def _whole(self) -> Nested:
        if self.count > 10:
            raise ValueError("too many in all")
        return self


def test_a_rule_across_fields_belongs_to_the_field_its_message_names() -> None:
    exc = _refused(EventCreate, _event(ends_at="2026-12-08T13:00:00"))
    [error] = all_errors(exc)
    assert error.field == "ends_at"
    assert error.loc == ()
    assert error.message == "the event must end after it starts"


def test_a_rule_across_fields_that_names_none_is_the_whole_inputs() -> None:
    exc = _refused(Nested, {"tags": [], "count": 11})
    assert messages_by_field(exc) == {"": "too many in all"}


def test_a_nested_error_belongs_to_its_top_level_field_and_keeps_its_place() -> None:
    exc = _refused(Nested, {"tags": ["ok", "toolong"]})
    [error] = all_errors(exc)
    assert (error.field, error.loc, error.kind) == ("tags", ("tags", 1), "string_too_long")
    assert error.ctx["max_length"] == 3
    assert error.input == "toolong"


def test_the_apps_own_message_loses_pydantics_opening_and_keeps_its_exception() -> None:
    exc = _refused(ShareRequest, {"email": "a@example.org", "name": "Ann\nLee"})
    error = errors_by_field(exc)["name"]
    assert error.message == "must be a single line of plain text"
    assert isinstance(error.cause, LineBreak)
    assert error.kind == "value_error"


def test_pydantics_own_messages_are_kept_as_they_are() -> None:
    exc = _refused(Nested, {"tags": [], "count": "x"})
    assert messages_by_field(exc) == {
        "count": "Input should be a valid integer, unable to parse string as an integer"
    }


def test_one_error_per_field_is_the_first_pydantic_reports() -> None:
    exc = _refused(Nested, {"tags": ["toolong", "also too long"], "count": "x"})
    assert [error.loc for error in all_errors(exc)] == [("tags", 0), ("tags", 1), ("count",)]
    first = errors_by_field(exc)
    assert list(first) == ["tags", "count"]
    assert first["tags"].loc == ("tags", 0)


def test_an_error_without_context_or_location_is_read_too() -> None:
    error = read_error({"type": "value_error", "loc": (), "msg": "Value error, x: y"})
    assert (error.field, error.message, error.cause, dict(error.ctx)) == ("x", "y", None, {})
