"""The users page over HTTP: listing, adding, roles, deactivation, and forms that keep their
input and say what is wrong beside each field."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from events_app.db import Database
from events_app.models import User, UserRole
from tests.admin.web_helpers import log_in, post_form, sign_in
from tests.factories import make_user
from tests.registration.web_helpers import https_client
from tests.support.audit import audit_entries, reload
from tests.support.error_summary import assert_error_summary

NEW = "/admin/users/new"


@pytest.fixture
def admin(client: TestClient, db: Database, now: datetime) -> User:
    user = make_user(db, now, email="admin@example.org", name="Ada Admin")
    sign_in(client, user)
    return user


def users_in(db: Database) -> list[str]:
    with db.read() as session:
        return sorted(session.scalars(select(User.email)).all())  # type: ignore[call-overload]


def test_the_list_shows_everyone(
    client: TestClient, db: Database, now: datetime, admin: User
) -> None:
    make_user(db, now, email="ed@example.org", name="Ed Editor", role="editor", active=False)
    page = client.get("/admin/users").text
    for text in ("admin@example.org", "Ada Admin", "ed@example.org", "Ed Editor", "Deactivated"):
        assert text in page
    assert page.index("admin@example.org") < page.index("ed@example.org")


def test_adding_a_user(client: TestClient, db: Database, admin: User) -> None:
    response = post_form(
        client, NEW, NEW, email="Grace@Example.org", name="Grace", role="editor",
        password="another fine passphrase",
    )  # fmt: skip
    assert response.status_code == 303
    with db.read() as session:
        grace = session.scalar(select(User).where(User.email == "grace@example.org"))  # type: ignore[arg-type]
    assert grace is not None
    assert response.headers["location"] == f"/admin/users/{grace.id}?created=1"
    assert "The user has been added." in client.get(response.headers["location"]).text
    entry = audit_entries(db)[-1]
    assert (entry.action, entry.actor_email, entry.target_label) == (
        "user.create", "admin@example.org", "grace@example.org",
    )  # fmt: skip
    with https_client(client.app) as grace_browser:
        assert (
            log_in(grace_browser, "grace@example.org", "another fine passphrase").status_code == 303
        )


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"email": "not-an-address"}, "email", "Please enter a valid email address"),
        ({"email": "ADMIN@example.org"}, "email", "A user with this email address already exists."),
        ({"name": "two\nlines"}, "name", "Please use a single line of plain text."),
        ({"role": "owner"}, "role", "Choose one of the listed options."),
        ({"password": ""}, "password", "This field is required."),
        ({"password": "too short"}, "password", "Use at least 12 characters."),
        ({"password": "qwertyuiop123"}, "password", "This password is too easy to guess"),
        (
            {"password": "grace.hopper@example.org"},
            "password",
            "This password is too easy to guess",
        ),
    ],
)
def test_bad_input_comes_back_with_a_message_beside_the_field(
    client: TestClient, db: Database, admin: User, fields: dict[str, str], field: str, message: str
) -> None:
    values = {
        "email": "grace.hopper@example.org", "name": "Grace Hopper", "role": "admin",
        "password": "another fine passphrase", **fields,
    }  # fmt: skip
    response = post_form(client, NEW, NEW, **values)
    assert response.status_code == 400
    html = response.text
    assert f'<p class="field-error" id="user-{field}-error">{message}' in html
    assert f'aria-invalid="true" aria-describedby="user-{field}-error"' in html
    assert_error_summary(html, [f"user-{field}"])
    if field != "email":
        assert 'value="grace.hopper@example.org"' in html  # the input is kept
    assert "another fine passphrase" not in html  # but never the password
    assert users_in(db) == ["admin@example.org"]


def test_changing_a_role_and_the_last_admin_rule(
    client: TestClient, db: Database, now: datetime, admin: User
) -> None:
    editor = make_user(db, now, email="ed@example.org", role="editor")
    page = f"/admin/users/{editor.id}"
    response = post_form(client, page, f"{page}/role", role="admin")
    assert (response.status_code, response.headers["location"]) == (303, f"{page}?saved=1")
    assert reload(db, editor).role == UserRole.admin
    assert post_form(client, page, f"{page}/role", role="root").status_code == 400
    # Ed demotes Ada, then tries to demote himself: he is the last admin.
    sign_in(client, reload(db, editor))
    assert (
        post_form(
            client, f"/admin/users/{admin.id}", f"/admin/users/{admin.id}/role", role="editor"
        ).status_code
        == 303
    )
    refused = post_form(client, page, f"{page}/role", role="editor")
    assert refused.status_code == 409
    assert "This is the last active admin." in refused.text
    assert reload(db, editor).role == UserRole.admin
    assert [e.action for e in audit_entries(db)][-2:] == ["user.role", "user.role"]


def test_deactivating_ends_the_users_sessions_at_once(
    app: Starlette, client: TestClient, db: Database, now: datetime, admin: User
) -> None:
    make_user(db, now, email="ed@example.org", role="editor")
    with https_client(app) as ed:
        log_in(ed, "ed@example.org")
        assert ed.get("/admin").status_code == 200
        target = reload(db, make_user(db, now, email="temp@example.org", role="editor"))
        with db.read() as session:
            ed_user = session.scalar(select(User).where(User.email == "ed@example.org"))  # type: ignore[arg-type]
        assert ed_user is not None
        page = f"/admin/users/{ed_user.id}"
        assert post_form(client, page, f"{page}/active", active="0").status_code == 303
        assert ed.get("/admin", follow_redirects=False).status_code == 303
        assert log_in(ed, "ed@example.org").status_code == 400
        assert "Reactivate" in client.get(page).text
        assert post_form(client, page, f"{page}/active", active="1").status_code == 303
        assert log_in(ed, "ed@example.org").status_code == 303
        assert post_form(client, page, f"{page}/active", active="maybe").status_code == 400
    assert reload(db, target).active
    assert [e.action for e in audit_entries(db)][-2:] == ["user.deactivate", "user.reactivate"]


def test_the_last_admin_cannot_deactivate_themselves(
    client: TestClient, db: Database, admin: User
) -> None:
    page = f"/admin/users/{admin.id}"
    refused = post_form(client, page, f"{page}/active", active="0")
    assert refused.status_code == 409
    assert 'id="user-active-error"' in refused.text
    assert reload(db, admin).active


def test_unknown_users_are_404(client: TestClient, admin: User) -> None:
    assert client.get("/admin/users/4040").status_code == 404
    assert (
        post_form(client, "/admin/users", "/admin/users/4040/role", role="admin").status_code == 404
    )
