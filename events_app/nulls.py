"""`null` for an optional field means "empty", as people writing JSON by hand expect.

Pydantic refuses `"online_url": null` ("must be a valid string") while it takes null for a
field whose empty value is None (capacity, publish_at). Models that read hand-written JSON
(the import, the API) inherit this, so a null takes the field's default ("" or [] or False);
a null for a required field is reported as the field missing. Where None is itself a value
(capacity: no limit; reminder_hours: no reminder) null stays None.
"""

from __future__ import annotations

from typing import Annotated, Any, get_args

from pydantic import BaseModel, BeforeValidator, model_validator


def _accepts_none(annotation: Any) -> bool:
    return annotation is type(None) or any(_accepts_none(arg) for arg in get_args(annotation))


class NullMeansEmpty(BaseModel):
    @model_validator(mode="before")
    @classmethod
    def _nulls_are_defaults(cls, values: Any) -> Any:
        if not isinstance(values, dict) or None not in values.values():
            return values
        cleaned = dict(values)
        for name, value in values.items():
            field = cls.model_fields.get(name) if isinstance(name, str) else None
            if value is not None or field is None or _accepts_none(field.annotation):
                continue
            if field.is_required():
                del cleaned[name]  # "is required", not "must be a valid string"
            else:
                cleaned[name] = field.get_default(call_default_factory=True)
        return cleaned


def _empty_if_null(value: object) -> object:
    return "" if value is None else value


def null_as_empty(text_type: Any) -> Any:
    """`text_type` that also takes null (as ""), and whose JSON Schema says so: for the
    API's request bodies, where the published schema must match what is accepted."""
    return Annotated[
        text_type, BeforeValidator(_empty_if_null, json_schema_input_type=text_type | None)
    ]
