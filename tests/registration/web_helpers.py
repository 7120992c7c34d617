"""Helpers for HTTP tests of the registration pages: forms with their CSRF token, and the
manage token read back from the outbox."""

from __future__ import annotations

import re
from typing import Any

from starlette.testclient import TestClient

from events_app.db import Database
from tests.registration.helpers import outbox
from tests.support.http import https_client  # noqa: F401 (imported from here by many tests)

CSRF_FIELD = re.compile(r'<input type="hidden" name="csrf_token" value="([^"]+)">')
CONFIRM_LINK = re.compile(r"/r/([A-Za-z0-9_-]{32})/confirm")


def csrf_from(client: TestClient, path: str) -> str:
    response = client.get(path)
    match = CSRF_FIELD.search(response.text)
    assert match, f"no CSRF field on {path} ({response.status_code})"
    return match.group(1)


def register_form(client: TestClient, slug: str, **fields: Any) -> Any:
    data = {
        "csrf_token": csrf_from(client, f"/events/{slug}"),
        "name": "Ada Lovelace",
        "email": "ada@example.org",
        "organisation": "Analytical Engines",
        "consent": "yes",
        "website": "",
    }
    data.update(fields)
    return client.post(f"/events/{slug}/register", data=data, follow_redirects=False)


def last_token(db: Database, address: str) -> str:
    """The manage token in the newest email to `address`."""
    for message in reversed(outbox(db)):
        if message.to_address == address:
            match = re.search(r"/r/([A-Za-z0-9_-]{32})", message.text_body)
            assert match
            return match.group(1)
    raise AssertionError(f"no email to {address}")


def post_with_csrf(client: TestClient, page: str, action: str, **fields: str) -> Any:
    data = {"csrf_token": csrf_from(client, page), **fields}
    return client.post(action, data=data, follow_redirects=False)
