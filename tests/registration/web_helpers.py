"""Helpers for HTTP tests of the registration pages: forms posted as a browser on this site's
page posts them, the back office's CSRF token read from a page, and the manage token read
back from the outbox."""

from __future__ import annotations

import re
from typing import Any

from starlette.testclient import TestClient

from events_app.db import Database
from tests.registration.helpers import outbox
from tests.support.http import https_client  # noqa: F401 (imported from here by many tests)

# What a browser adds to a form it sends from one of this site's pages; the public forms need
# nothing else (no token).
SAME_ORIGIN = {"sec-fetch-site": "same-origin"}
CSRF_FIELD = re.compile(r'<input type="hidden" name="csrf_token" value="([^"]+)">')
CONFIRM_LINK = re.compile(r"/r/([A-Za-z0-9_-]{32})/confirm")


def csrf_from(client: TestClient, path: str) -> str:
    """The CSRF token of a back-office page's forms."""
    response = client.get(path)
    match = CSRF_FIELD.search(response.text)
    assert match, f"no CSRF field on {path} ({response.status_code})"
    return match.group(1)


def register_form(client: TestClient, slug: str, **fields: Any) -> Any:
    data = {
        "name": "Ada Lovelace",
        "email": "ada@example.org",
        "organisation": "Analytical Engines",
        "consent": "yes",
        "website": "",
    }
    data.update(fields)
    return client.post(
        f"/events/{slug}/register", data=data, headers=SAME_ORIGIN, follow_redirects=False
    )


def last_token(db: Database, address: str) -> str:
    """The manage token in the newest email to `address`."""
    for message in reversed(outbox(db)):
        if message.to_address == address:
            match = re.search(r"/r/([A-Za-z0-9_-]{32})", message.text_body)
            assert match
            return match.group(1)
    raise AssertionError(f"no email to {address}")


def post_from_page(client: TestClient, page: str, action: str, **fields: str) -> Any:
    """Open `page` and send its form to `action`, as a browser does."""
    assert client.get(page).status_code < 500
    return client.post(action, data=fields, headers=SAME_ORIGIN, follow_redirects=False)
