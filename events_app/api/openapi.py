"""The OpenAPI 3.1 document served at /api/openapi.json.

Schemas come from the pydantic models (`models_json_schema` over the models every answer is
built through and every request is validated with), query parameters from the query models'
fields, examples from api/examples.py (built through the same models). Only the short
description of each operation is written by hand, in api/operations.py; tests/api/
test_openapi.py fails when a route under /api is not described there, or the other way round.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from events_app.api import examples
from events_app.api.operations import (
    ERRORS,
    MALFORMED_BODY,
    OPERATIONS,
    QUERY_MODELS,
    Operation,
)
from events_app.api.problems import PROBLEM_JSON, PROBLEM_TYPES
from events_app.api.schemas import ValidationProblem
from events_app.events.schemas import SLUG_PATTERN
from events_app.registration.schemas import RegistrationCreate

REF = "#/components/schemas/{model}"
JSON = "application/json"


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": REF.format(model=model.__name__)}


def _header(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "required": True, "schema": schema}


def _parameter_schema(prop: dict[str, Any]) -> dict[str, Any]:
    """A field's schema as a query parameter's: absent rather than null, so an optional
    field's null branch (and its null default) goes; title and description move out."""
    schema = {k: v for k, v in prop.items() if k not in ("title", "description", "anyOf")}
    if schema.get("default", 0) is None:
        del schema["default"]
    branches = [branch for branch in prop.get("anyOf", []) if branch != {"type": "null"}]
    if len(branches) == 1:
        return {**branches[0], **schema}
    if branches:
        schema["anyOf"] = branches
    return schema


def _query_parameters(schema: dict[str, Any]) -> list[dict[str, Any]]:
    required = set(schema.get("required", []))
    parameters = []
    for name, prop in schema["properties"].items():
        parameter: dict[str, Any] = {"name": name, "in": "query", "required": name in required}
        if "description" in prop:
            parameter["description"] = prop["description"]
        parameter["schema"] = _parameter_schema(prop)
        parameters.append(parameter)
    return parameters


def _slug_parameter(operation: Operation) -> list[dict[str, Any]]:
    if "{slug}" not in operation.path:
        return []
    example = examples.ARTICLE.slug if operation.tag == "Articles" else examples.EVENT.slug
    schema = {"type": "string", "minLength": 1, "maxLength": 120, "pattern": SLUG_PATTERN}
    return [{"name": "slug", "in": "path", "required": True, "schema": schema, "example": example}]


def _success(operation: Operation) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if operation.method == "get":
        headers["ETag"] = _header(
            "A strong validator: send it back as If-None-Match.", {"type": "string"}
        )
    if operation.paged:
        headers["Link"] = _header(
            "RFC 8288 links to the first, prev, next and last pages, keeping the filters.",
            {"type": "string"},
        )
        headers["X-Total-Count"] = _header(
            "How many items all the pages hold together.", {"type": "integer", "minimum": 0}
        )
    example = examples.as_json(operation.example)
    response: dict[str, Any] = {
        "description": operation.summary,
        "content": {JSON: {"schema": _ref(operation.response), "example": example}},
    }
    if headers:
        response["headers"] = headers
    return response


def _error(status: int, operation: Operation) -> dict[str, Any]:
    description, model, example = ERRORS[status]
    if status == 400 and operation.body is not None:
        description, model, example = MALFORMED_BODY
    content = {PROBLEM_JSON: {"schema": _ref(model), "example": examples.as_json(example)}}
    response: dict[str, Any] = {"description": description, "content": content}
    if status == 429:
        seconds = {"type": "integer", "minimum": 1}
        response["headers"] = {"Retry-After": _header("Seconds to wait.", seconds)}
    elif status == 415:
        accepted = {"type": "string", "const": JSON}
        response["headers"] = {"Accept-Post": _header("The media type to send.", accepted)}
    return response


def _operation(operation: Operation, query_schemas: dict[str, Any]) -> dict[str, Any]:
    parameters = _slug_parameter(operation)
    if operation.query is not None:
        parameters += _query_parameters(query_schemas[operation.query.__name__])
    responses: dict[str, Any] = {str(operation.status): _success(operation)}
    if operation.method == "get":
        responses["304"] = {"description": "Not modified: the If-None-Match validator matched."}
    for status in operation.errors:
        responses[str(status)] = _error(status, operation)
    result: dict[str, Any] = {
        "operationId": operation.operation_id,
        "tags": [operation.tag],
        "summary": operation.summary,
        "description": operation.description,
    }
    if parameters:
        result["parameters"] = parameters
    if operation.body is not None:
        body = {"schema": _ref(operation.body), "example": examples.as_json(examples.REGISTRATION)}
        result["requestBody"] = {"required": True, "content": {JSON: body}}
    result["responses"] = responses
    return result


def _schemas() -> tuple[dict[str, Any], dict[str, Any]]:
    """(the components' schemas, the query models' own schemas)."""
    models: list[tuple[type[BaseModel], Any]] = [
        (op.response, "serialization") for op in OPERATIONS
    ]
    models += [(model, "serialization") for _d, model, _e in (*ERRORS.values(), MALFORMED_BODY)]
    models += [(ValidationProblem, "serialization"), (RegistrationCreate, "validation")]
    models += [(model, "validation") for model in QUERY_MODELS]
    _refs, top = models_json_schema(list(dict.fromkeys(models)), ref_template=REF)
    schemas = dict(sorted(top["$defs"].items()))
    queries = {model.__name__: schemas.pop(model.__name__) for model in QUERY_MODELS}
    return schemas, queries


@lru_cache(maxsize=8)
def build_document(base_url: str, site_name: str) -> dict[str, Any]:
    schemas, query_schemas = _schemas()
    paths: dict[str, dict[str, Any]] = {}
    for operation in OPERATIONS:
        paths.setdefault(operation.path, {})[operation.method] = _operation(
            operation, query_schemas
        )
    problem_types = [
        {
            "type": f"{base_url}/api/docs#problem-{kind.slug}",
            "status": kind.status,
            "title": kind.title,
            "description": kind.description,
        }
        for kind in PROBLEM_TYPES
    ]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{site_name} API",
            "version": "1",
            "description": "Public events, articles and categories, and registration for "
            "events. Everything is read-only but registration, and nothing needs "
            "authentication. Errors are RFC 9457 problem details; the problem types this API "
            "defines are listed under `x-problem-types`.",
        },
        "servers": [{"url": base_url}],
        "tags": [{"name": name} for name in dict.fromkeys(op.tag for op in OPERATIONS)],
        "paths": paths,
        "components": {"schemas": schemas},
        "x-problem-types": problem_types,
    }
