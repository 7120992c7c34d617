"""The OpenAPI document as plain data for the /api/docs template: operations with their
parameters, bodies, responses and examples; schemas with their properties; problem types.
Everything shown is read from the document itself, so the page shows what the document says.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

# Shown beside a type; the template words each key in the site's language.
CONSTRAINTS = ("minLength", "maxLength", "minimum", "maximum", "minItems", "pattern", "default")


@dataclass(frozen=True)
class TypeText:
    """A schema in a short notation (`EventPublic[]`, `string (date-time) | null`,
    `"open" | "closed"`), the schema it refers to (a link), and its constraints."""

    text: str
    ref: str | None = None
    constraints: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Field:
    name: str
    type: TypeText
    required: bool
    description: str = ""
    where: str = ""  # for parameters: "path" or "query"


@dataclass(frozen=True)
class Response:
    status: str
    description: str
    media_type: str = ""
    type: TypeText | None = None
    headers: tuple[Field, ...] = ()
    example: str = ""


@dataclass(frozen=True)
class OperationDoc:
    anchor: str
    method: str
    path: str
    tag: str
    summary: str
    description: str
    parameters: tuple[Field, ...] = ()
    body: TypeText | None = None
    body_example: str = ""
    responses: tuple[Response, ...] = ()


@dataclass(frozen=True)
class SchemaDoc:
    name: str
    description: str
    fields: tuple[Field, ...] = ()
    values: tuple[str, ...] = ()  # an enumeration's values


@dataclass(frozen=True)
class Reference:
    title: str
    version: str
    description: str
    server: str
    operations: tuple[OperationDoc, ...]
    schemas: tuple[SchemaDoc, ...]
    problem_types: tuple[dict[str, Any], ...] = field(default=())


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def type_text(schema: dict[str, Any]) -> TypeText:
    constraints = tuple(
        (key, value if isinstance(value, str) else json.dumps(value))
        for key in CONSTRAINTS
        if (value := schema.get(key, ...)) is not ...
    )
    if "$ref" in schema:
        name = _ref_name(schema["$ref"])
        return TypeText(name, name, constraints)
    if "anyOf" in schema:
        parts = [type_text(branch) for branch in schema["anyOf"]]
        refs = [part.ref for part in parts if part.ref]
        inner = tuple(c for part in parts for c in part.constraints)
        text = " | ".join(part.text for part in parts)
        return TypeText(text, refs[0] if refs else None, inner + constraints)
    if "const" in schema:
        return TypeText(json.dumps(schema["const"]), None, constraints)
    if "enum" in schema:
        return TypeText(" | ".join(json.dumps(v) for v in schema["enum"]), None, constraints)
    if schema.get("type") == "array":
        items = type_text(schema.get("items", {}))
        return TypeText(f"{items.text}[]", items.ref, items.constraints + constraints)
    text = str(schema.get("type", "any"))
    if "format" in schema:
        text += f" ({schema['format']})"
    return TypeText(text, None, constraints)


def _example(content: dict[str, Any]) -> str:
    return json.dumps(content["example"], indent=2) if "example" in content else ""


def _response(status: str, response: dict[str, Any]) -> Response:
    headers = tuple(
        Field(
            name, type_text(header["schema"]), header.get("required", False), header["description"]
        )
        for name, header in response.get("headers", {}).items()
    )
    for media_type, content in response.get("content", {}).items():
        return Response(
            status,
            response["description"],
            media_type,
            type_text(content["schema"]),
            headers,
            _example(content),
        )
    return Response(status, response["description"], headers=headers)


def _operation(path: str, method: str, operation: dict[str, Any]) -> OperationDoc:
    parameters = tuple(
        Field(
            p["name"],
            type_text(p["schema"]),
            p.get("required", False),
            p.get("description", ""),
            p["in"],
        )
        for p in operation.get("parameters", [])
    )
    body, body_example = None, ""
    for content in operation.get("requestBody", {}).get("content", {}).values():
        body, body_example = type_text(content["schema"]), _example(content)
    return OperationDoc(
        anchor=operation["operationId"],
        method=method.upper(),
        path=path,
        tag=operation["tags"][0],
        summary=operation["summary"],
        description=operation["description"],
        parameters=parameters,
        body=body,
        body_example=body_example,
        responses=tuple(_response(s, r) for s, r in operation["responses"].items()),
    )


def _schema(name: str, schema: dict[str, Any]) -> SchemaDoc:
    required = set(schema.get("required", []))
    fields = tuple(
        Field(key, type_text(prop), key in required, prop.get("description", ""))
        for key, prop in schema.get("properties", {}).items()
    )
    values = tuple(map(str, schema.get("enum", ())))
    return SchemaDoc(name, schema.get("description", ""), fields, values)


def describe(document: dict[str, Any]) -> Reference:
    operations = tuple(
        _operation(path, method, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    )
    schemas = document["components"]["schemas"]
    return Reference(
        title=document["info"]["title"],
        version=document["info"]["version"],
        description=document["info"]["description"],
        server=document["servers"][0]["url"],
        operations=operations,
        schemas=tuple(_schema(name, schema) for name, schema in schemas.items()),
        problem_types=tuple(
            {**kind, "anchor": kind["type"].rsplit("#", 1)[-1]}
            for kind in document.get("x-problem-types", ())
        ),
    )
