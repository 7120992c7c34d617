"""Helpers for the sharing tests: the form posted as a browser on its page posts it, and the
outbox's "shared" messages."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from events_app.db import Database
from events_app.models import OutboxMessage
from tests.registration.helpers import outbox
from tests.registration.web_helpers import SAME_ORIGIN


def share_form(client: TestClient, page: str, **fields: Any) -> Any:
    """Post "Send this to a friend" from `page` (e.g. "/events/talk/share")."""
    data = {
        "email": "friend@example.org",
        "name": "Ada Lovelace",
        "note": "Thought of you.",
        "website": "",
    }
    data.update(fields)
    return client.post(page, data=data, headers=SAME_ORIGIN, follow_redirects=False)


def shared(db: Database) -> list[OutboxMessage]:
    return [message for message in outbox(db) if message.kind == "shared"]
