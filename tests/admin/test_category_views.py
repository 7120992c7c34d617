"""Categories in the back office: adding, renaming (the address stays), deleting only when
unused, each change in the audit log; and names still finding their category after a rename."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from events_app.categories.editing import ensure_categories
from events_app.db import Database
from events_app.models import Category, User
from tests.admin.web_helpers import sign_in
from tests.factories import make_article, make_event, make_user
from tests.registration.web_helpers import csrf_from
from tests.support.audit import audit_entries
from tests.support.error_summary import assert_error_summary

PAGE = "/admin/categories"


@pytest.fixture
def editor(client: TestClient, db: Database, now: datetime) -> User:
    user = make_user(db, now, role="editor", email="ed@example.org")
    sign_in(client, user)
    return user


def post(client: TestClient, path: str, **fields: str) -> Any:
    data = {"csrf_token": csrf_from(client, PAGE), **fields}
    return client.post(path, data=data, follow_redirects=False)


def categories(db: Database) -> dict[str, str]:
    with db.read() as session:
        return {c.slug: c.name for c in session.scalars(select(Category)).all()}


def test_adding_renaming_and_deleting(client: TestClient, db: Database, editor: User) -> None:
    response = post(client, PAGE, name="Open science")
    assert response.headers["location"] == "/admin/categories?done=created"
    assert categories(db) == {"open-science": "Open science"}
    response = post(client, "/admin/categories/open-science/rename", name="Open research")
    assert response.status_code == 303
    assert categories(db) == {"open-science": "Open research"}  # same address
    assert "Its address stays the same" in client.get(response.headers["location"]).text
    response = post(client, "/admin/categories/open-science/delete")
    assert response.headers["location"] == "/admin/categories?done=deleted"
    assert categories(db) == {}
    actions = [entry.action for entry in audit_entries(db)][-3:]
    assert actions == ["category.create", "category.rename", "category.delete"]
    assert post(client, "/admin/categories/open-science/delete").status_code == 404


def test_a_category_in_use_is_not_deleted(
    client: TestClient, db: Database, now: datetime, editor: User
) -> None:
    make_event(db, now, slug="talk", categories=["Science"])
    make_article(db, now, slug="news", categories=["Science"])
    page = client.get(PAGE).text
    assert "In use" in page
    response = post(client, "/admin/categories/science/delete")
    assert response.status_code == 409
    assert "Events or articles still have this category." in response.text
    assert categories(db) == {"science": "Science"}


def test_names_that_clash_are_refused_beside_the_form(
    client: TestClient, db: Database, editor: User
) -> None:
    post(client, PAGE, name="Science")
    post(client, PAGE, name="Policy")
    response = post(client, PAGE, name="science")  # the same address
    assert response.status_code == 409
    assert 'id="cat-new-error">This is already used' in response.text
    assert 'value="science"' in response.text  # kept
    assert_error_summary(response.text, ["cat-new"])
    response = post(client, "/admin/categories/policy/rename", name="Science")
    assert response.status_code == 409
    response = post(client, PAGE, name="  ")
    assert response.status_code == 400
    response = post(client, PAGE, name="x" * 121)
    assert response.status_code == 400
    assert categories(db) == {"science": "Science", "policy": "Policy"}


def test_a_renamed_category_is_still_found_by_its_name(
    client: TestClient, db: Database, now: datetime, editor: User
) -> None:
    make_event(db, now, slug="talk", categories=["Science"])
    post(client, "/admin/categories/science/rename", name="Research")
    with db.write() as session:
        found = ensure_categories(session=session, names=["Research", "Science"])
        assert [c.slug for c in found] == ["science"]  # both name the same category
    assert categories(db) == {"science": "Research"}
    page = client.get("/categories/science").text
    assert "Research" in page
