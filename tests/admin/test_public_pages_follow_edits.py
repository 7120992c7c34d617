"""A back-office edit shows on the cached public pages at once: the write that makes it also
tells this process's page cache, so nobody waits for the next version check (an hour here)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from events_app.app import create_app
from events_app.clock import FrozenClock
from events_app.db import Database
from tests.admin.event_helpers import edit_form
from tests.admin.web_helpers import post_form, sign_in
from tests.conftest import make_settings
from tests.factories import make_article, make_event, make_user
from tests.registration.web_helpers import csrf_from, https_client


@pytest.fixture
def app(database_url: str, clock: FrozenClock, db: Database) -> Starlette:
    settings = make_settings(database_url, page_cache_check_seconds=3600)
    return create_app(settings, clock=clock, database=db)


@pytest.fixture
def client(app: Starlette, db: Database, now: datetime) -> Iterator[TestClient]:
    with https_client(app) as test_client:
        sign_in(test_client, make_user(db, now, role="editor", email="ed@example.org"))
        yield test_client


def test_an_event_edit_shows_on_its_cached_page(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="talk", title="Old title")
    # The list is public (the event's own page carries the registration form, so is private).
    assert "Old title" in client.get("/events").text  # now cached
    response = edit_form(client, db, "talk", title="New title")
    assert response.status_code == 303
    page = client.get("/events").text
    assert "New title" in page
    assert "Old title" not in page


def test_an_article_edit_shows_on_its_cached_page(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_article(db, now, slug="news", title="Old headline")
    assert "Old headline" in client.get("/articles/news").text
    page = "/admin/articles/news"
    response = client.post(
        page,
        data={
            "csrf_token": csrf_from(client, page),
            "action": "save",
            "title": "New headline",
            "slug": "news",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert "New headline" in client.get("/articles/news").text


def test_a_category_rename_shows_on_its_cached_page(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="talk", categories=["Science"])
    assert "Science" in client.get("/categories/science").text
    response = post_form(
        client, "/admin/categories", "/admin/categories/science/rename", name="Open science"
    )
    assert response.status_code == 303
    assert "Open science" in client.get("/categories/science").text
