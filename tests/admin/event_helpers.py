"""Posting the back office's event form as a browser would: every field of the stored event
(what its page shows), with some changed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.testclient import TestClient

from events_app.admin.event_form import form_from_event
from events_app.db import Database
from events_app.events.editing import find_event
from events_app.models import Event
from events_app.registration.notify import Notifier
from tests.registration.helpers import confirm, register
from tests.registration.web_helpers import csrf_from


def stored_form(db: Database, slug: str) -> dict[str, Any]:
    with db.read() as session:
        event = find_event(session=session, slug=slug)
        assert event is not None
        return form_from_event(event)


def as_fields(form: dict[str, Any]) -> dict[str, str | list[str]]:
    """A form's values as a browser sends them: an unticked box not at all."""
    fields: dict[str, str | list[str]] = {}
    for name, value in form.items():
        if isinstance(value, bool):
            if value:
                fields[name] = "1"
        else:
            fields[name] = value if isinstance(value, list) else str(value)
    return fields


def post_event_form(client: TestClient, path: str, form: dict[str, Any], **extra: str) -> Any:
    """Post `form` to `path`, whose page (read first) gives the CSRF token."""
    fields = as_fields(form) | {"csrf_token": csrf_from(client, path)} | extra
    return client.post(path, data=fields, follow_redirects=False)


def edit_form(
    client: TestClient,
    db: Database,
    current: str,
    *,
    extra: dict[str, str] | None = None,
    **changes: Any,
) -> Any:
    """Post the stored event `current`'s form with `changes` (and `extra` fields, such as the
    button pressed)."""
    form = stored_form(db, current) | changes
    return post_event_form(client, f"/admin/events/{current}", form, **(extra or {}))


def load_event(db: Database, slug: str) -> Event | None:
    with db.read() as session:
        return find_event(session=session, slug=slug)


def attend(db: Database, now: datetime, notifier: Notifier, event: Event, email: str) -> None:
    """`email` registers for `event` and confirms."""
    _registration, token = register(db, now, notifier, event.id, email)  # type: ignore[arg-type]
    confirm(db, now, notifier, token)
