"""Making a preview link in the back office: offered for drafts and scheduled events only,
audited, and opened by a browser with no session at all."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from events_app.db import Database
from events_app.models import User
from tests.admin.web_helpers import post_form, sign_in
from tests.factories import make_event, make_user
from tests.support.audit import audit_entries
from tests.support.http import https_client

OFFER = "Make a preview link"


@pytest.fixture
def editor(client: TestClient, db: Database, now: datetime) -> User:
    user = make_user(db, now, role="editor", email="ed@example.org")
    sign_in(client, user)
    return user


def make_link(client: TestClient, slug: str) -> str:
    """The preview link's address, as the page made by the button shows it."""
    page = f"/admin/events/{slug}"
    response = post_form(client, page, f"{page}/preview-link")
    assert response.status_code == 200
    found = re.search(r'id="preview-url" type="url" value="([^"]+)"', response.text)
    assert found is not None
    return html.unescape(found.group(1))


def test_the_offer_is_on_drafts_and_scheduled_events_only(
    client: TestClient, db: Database, now: datetime, editor: User
) -> None:
    make_event(db, now, slug="draft", status="draft")
    make_event(db, now, slug="later", publish_at=now + timedelta(days=1))
    make_event(db, now, slug="live")
    make_event(db, now, slug="called-off", status="cancelled")
    assert OFFER in client.get("/admin/events/draft").text
    assert OFFER in client.get("/admin/events/later").text
    assert OFFER not in client.get("/admin/events/live").text
    assert OFFER not in client.get("/admin/events/called-off").text


def test_a_colleague_without_an_account_opens_the_draft_through_the_link(
    app: Starlette, client: TestClient, db: Database, now: datetime, editor: User
) -> None:
    make_event(db, now, slug="draft", title="Secret plans", status="draft")
    url = make_link(client, "draft")
    assert url.startswith("https://events.example.org/events/draft/preview/")
    entry = audit_entries(db)[-1]
    assert (entry.action, entry.target_label, entry.actor_id) == (
        "event.preview_link",
        "draft",
        editor.id,
    )
    with https_client(app) as stranger:
        assert not stranger.cookies
        response = stranger.get(urlsplit(url).path)
        assert response.status_code == 200
        assert "Preview: not public" in response.text
        assert "Secret plans" in response.text
        assert stranger.get("/events/draft").status_code == 404


def test_no_link_for_a_live_event_even_if_asked(
    client: TestClient, db: Database, now: datetime, editor: User
) -> None:
    make_event(db, now, slug="live")
    page = "/admin/events/live"
    response = post_form(client, page, f"{page}/preview-link")
    assert response.status_code == 303
    assert response.headers["location"] == page
    assert all(entry.action != "event.preview_link" for entry in audit_entries(db))


def test_making_a_link_needs_a_session_and_its_csrf_token(
    app: Starlette, client: TestClient, db: Database, now: datetime, editor: User
) -> None:
    make_event(db, now, slug="draft", status="draft")
    refused = client.post("/admin/events/draft/preview-link", follow_redirects=False)
    assert refused.status_code == 403, refused.status_code
    with https_client(app) as stranger:
        anonymous = stranger.post("/admin/events/draft/preview-link", follow_redirects=False)
        assert anonymous.status_code == 403, anonymous.status_code
    assert all(entry.action != "event.preview_link" for entry in audit_entries(db))
