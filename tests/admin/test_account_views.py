"""Changing one's own password: the current one first, a good new one, and every other
session ended while this one carries on."""

from __future__ import annotations

from datetime import datetime, timedelta

from starlette.applications import Starlette
from starlette.testclient import TestClient

from events_app.admin.passwords import verify_password
from events_app.clock import FrozenClock
from events_app.db import Database
from events_app.models import User
from tests.admin.web_helpers import log_in, post_form, sign_in
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.registration.web_helpers import https_client
from tests.support.audit import audit_entries
from tests.support.error_summary import assert_error_summary, summary_links

PAGE = "/admin/account/password"
NEW = "Tq9#vL2@pW8zKe"


def change(client: TestClient, current: str, new: str, again: str | None = None) -> object:
    return post_form(
        client, PAGE, PAGE, current=current, new=new, again=new if again is None else again
    )


def stored_hash(db: Database, user: User) -> str:
    with db.read() as session:
        found = session.get(User, user.id)
        assert found is not None
        return found.password_hash


def test_a_change_keeps_this_session_and_ends_the_others(
    app: Starlette, db: Database, now: datetime
) -> None:
    user = make_user(db, now, email="ada@example.org", role="editor")
    with https_client(app) as laptop, https_client(app) as phone:
        log_in(laptop, "ada@example.org")
        log_in(phone, "ada@example.org")
        response = change(laptop, DEFAULT_PASSWORD, NEW)
        assert response.status_code == 303  # type: ignore[attr-defined]
        assert response.headers["location"] == f"{PAGE}?changed=1"  # type: ignore[attr-defined]
        assert "Every other session of yours has ended." in laptop.get(f"{PAGE}?changed=1").text
        assert phone.get("/admin", follow_redirects=False).status_code == 303
    assert verify_password(stored_hash(db, user), NEW)
    entry = audit_entries(db)[-1]
    assert (entry.action, entry.actor_id, entry.before, entry.after) == (
        "user.password_change", user.id, None, None,
    )  # fmt: skip


def test_each_problem_is_named_beside_its_field_and_nothing_changes(
    client: TestClient, db: Database, now: datetime
) -> None:
    user = make_user(db, now, email="ada@example.org")
    sign_in(client, user)
    before = stored_hash(db, user)
    cases = [
        (("wrong one here", NEW, NEW), "This is not your current password."),
        ((DEFAULT_PASSWORD, NEW, NEW + "x"), "The two new passwords are not the same."),
        ((DEFAULT_PASSWORD, "short", "short"), "Use at least 12 characters."),
        ((DEFAULT_PASSWORD, "password1234", "password1234"), "too easy to guess"),
        ((DEFAULT_PASSWORD, "ada@example.org", "ada@example.org"), "too easy to guess"),
        (("", "", ""), "This field is required."),
    ]
    for (current, new, again), message in cases:
        response = change(client, current, new, again)
        assert response.status_code == 400, message  # type: ignore[attr-defined]
        assert message in response.text  # type: ignore[attr-defined]
        assert 'aria-invalid="true"' in response.text  # type: ignore[attr-defined]
        assert NEW not in response.text  # type: ignore[attr-defined]
        assert summary_links(response.text)  # type: ignore[attr-defined]
    assert stored_hash(db, user) == before
    assert len(audit_entries(db)) == 1  # the creation only
    summary = assert_error_summary(
        response.text,  # type: ignore[attr-defined]
        ["password-current", "password-new", "password-again"],
    )
    assert summary[0] == ("password-current", "Current password: This field is required.")


def test_guessing_the_current_password_is_throttled(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    sign_in(client, make_user(db, clock.now(), email="ada@example.org"))
    for _ in range(5):
        assert change(client, "a wrong guess", NEW).status_code == 400  # type: ignore[attr-defined]
    refused = change(client, DEFAULT_PASSWORD, NEW)
    assert refused.status_code == 429  # type: ignore[attr-defined]
    assert refused.headers["retry-after"] == "1"  # type: ignore[attr-defined]
    clock.advance(timedelta(seconds=1))
    assert change(client, DEFAULT_PASSWORD, NEW).status_code == 303  # type: ignore[attr-defined]
