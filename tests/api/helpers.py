"""Helpers for the API's HTTP tests: a client with settings of its own, problem details read
and checked, and Link headers parsed."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from starlette.testclient import TestClient

from events_app.app import create_app
from events_app.clock import FrozenClock
from events_app.db import Database
from tests.support.settings import make_settings

BASE = "https://events.example.org"
_LINK = re.compile(r'<([^>]+)>; rel="(\w+)"')


def api_client(database_url: str, db: Database, clock: FrozenClock, **overrides: Any) -> TestClient:
    settings = make_settings(database_url, **overrides)
    return TestClient(create_app(settings, clock=clock, database=db))


def problem(response: Any, status: int) -> dict[str, Any]:
    """The response's problem details (RFC 9457), after checking their shape."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["cache-control"] == "no-store"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert {"type", "title", "detail"} <= body.keys()
    return body


def links(response: Any) -> dict[str, str]:
    """rel -> target of the Link header."""
    return {rel: url for url, rel in _LINK.findall(response.headers.get("link", ""))}


def page_of(url: str) -> int:
    return int(parse_qs(urlsplit(url).query)["page"][0])


def slugs(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["slug"] for item in response.json()["data"]]
