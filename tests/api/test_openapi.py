"""The OpenAPI document: it describes exactly the app's /api routes, is valid OpenAPI 3.1, takes
its schemas from the models, its examples fit them; /api/docs shows all of it."""

from __future__ import annotations

import re
from typing import Any

import jsonschema
import pytest
from openapi_spec_validator import validate
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient

from events_app.api import schemas
from events_app.api.openapi import REF, build_document
from events_app.api.operations import DOCUMENT_ROUTES
from events_app.api.problems import PROBLEM_TYPES
from events_app.registration.schemas import RegistrationCreate
from tests.api.helpers import BASE
from tests.support.routes import walk

DOCUMENT = build_document(BASE, "Events")
METHODS = {"get", "post", "put", "patch", "delete"}


def api_routes(app: Starlette) -> set[tuple[str, str]]:
    """(path, method) of every route under /api but the document's own, HEAD implied by GET."""
    return {
        (path, method.lower())
        for path, route in walk(list(app.routes))
        if path.startswith("/api/") and path not in DOCUMENT_ROUTES
        for method in route.methods or ()
        if method != "HEAD"
    }


def documented(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (path, method)
        for path, item in document["paths"].items()
        for method in item
        if method in METHODS
    }


def test_the_document_describes_exactly_the_apps_api_routes(app: Starlette) -> None:
    routes = api_routes(app)
    assert len(routes) == 6
    assert routes == documented(DOCUMENT)
    assert {path for path, _route in walk(list(app.routes))} >= DOCUMENT_ROUTES


def test_a_route_added_without_a_description_is_caught(app: Starlette) -> None:
    async def export(_request: object) -> Response:  # pragma: no cover - never called
        raise AssertionError

    app.router.routes.append(Route("/api/v1/export", export, methods=["GET"]))
    assert api_routes(app) - documented(DOCUMENT) == {("/api/v1/export", "get")}


def test_the_served_document_is_valid_openapi_3_1(client: TestClient) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    document = response.json()
    assert document["openapi"] == "3.1.0"
    assert document == build_document(BASE, "Events")
    validate(document)
    again = client.get("/api/openapi.json", headers={"if-none-match": response.headers["etag"]})
    assert again.status_code == 304


@pytest.mark.parametrize(
    ("model", "mode"),
    [
        (schemas.EventsPublic, "serialization"),
        (schemas.EventDetailPublic, "serialization"),
        (schemas.ArticleDetailPublic, "serialization"),
        (schemas.ValidationProblem, "serialization"),
        (RegistrationCreate, "validation"),
    ],
)
def test_schemas_are_the_models_own(model: Any, mode: Any) -> None:
    generated = model.model_json_schema(mode=mode, ref_template=REF)
    definitions = generated.pop("$defs", {})
    components = DOCUMENT["components"]["schemas"]
    assert components[model.__name__] == generated
    for name, definition in definitions.items():
        assert components[name] == definition


def test_query_parameters_are_the_query_models_fields() -> None:
    parameters = DOCUMENT["paths"]["/api/v1/events"]["get"]["parameters"]
    by_name = {p["name"]: p for p in parameters}
    assert set(by_name) == {"page", "per_page", "category", "format", "q", "from", "to"}
    assert by_name["from"]["schema"] == {"type": "string", "format": "date"}
    assert by_name["page"]["schema"] == {
        "type": "integer",
        "default": 1,
        "minimum": 1,
        "maximum": 10000,
    }
    assert by_name["format"]["schema"] == {"$ref": "#/components/schemas/EventFormat"}
    assert not any(p["required"] for p in parameters)


def _examples(document: dict[str, Any]) -> list[tuple[str, dict[str, Any], Any]]:
    found = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            bodies = [operation.get("requestBody", {}), *operation["responses"].values()]
            for body in bodies:
                for media_type, content in body.get("content", {}).items():
                    found.append(
                        (f"{method} {path} {media_type}", content["schema"], content["example"])
                    )
    return found


def test_every_example_fits_its_schema() -> None:
    examples = _examples(DOCUMENT)
    assert len(examples) == 18  # every body and every answer with a body
    for where, schema, example in examples:
        validator = jsonschema.Draft202012Validator({**schema, **DOCUMENT})
        errors = [error.message for error in validator.iter_errors(example)]
        assert errors == [], where


def test_the_docs_page_shows_every_operation_error_and_schema(client: TestClient) -> None:
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    for path, method in documented(DOCUMENT):
        assert f"<code>{method.upper()} {path}</code>" in page
    for name in DOCUMENT["components"]["schemas"]:
        assert f'id="schema-{name}"' in page
    for kind in PROBLEM_TYPES:
        assert f'id="problem-{kind.slug}"' in page
    # Every link within the page lands somewhere, and nothing runs or loads from elsewhere.
    ids = set(re.findall(r' id="([^"]+)"', page))
    assert set(re.findall(r'href="#([^"]+)"', page)) <= ids
    assert "<script" not in page
    assert "ada@example.org" in page  # the examples are shown
    assert 'href="/api/openapi.json"' in page


def test_problem_types_link_to_their_description(client: TestClient) -> None:
    answer = client.get("/api/v1/events?page=0").json()
    url, anchor = answer["type"].split("#")
    assert url == f"{BASE}/api/docs"
    assert f'id="{anchor}"' in client.get("/api/docs").text
