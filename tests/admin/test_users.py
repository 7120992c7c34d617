"""Users: creation, roles, deactivation, passwords and sessions, each change in the audit log."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from pydantic import ValidationError

from events_app.admin import users
from events_app.admin.passwords import accept_password, verify_password
from events_app.admin.schemas import UserCreate
from events_app.db import Database
from events_app.models import UserRole
from tests.factories import make_user
from tests.support.audit import audit_entries, reload
from tests.support.passwords import TEST_HASHER


def test_create_normalises_the_address_and_logs_without_the_hash(
    db: Database, now: datetime
) -> None:
    user = make_user(db, now, email="  Grace.Hopper@Example.ORG ", name="Grace", role="editor")
    assert user.email == "grace.hopper@example.org"
    assert (user.role, user.active, user.session_version) == (UserRole.editor, True, 0)
    assert user.created_at == user.updated_at == now
    [entry] = audit_entries(db)
    assert (entry.action, entry.target_type, entry.target_id) == (
        "user.create",
        "user",
        str(user.id),
    )
    assert (entry.actor_id, entry.actor_email, entry.before) == (None, "", None)
    assert entry.after == {
        "email": "grace.hopper@example.org",
        "name": "Grace",
        "role": "editor",
        "active": True,
    }


def test_one_account_per_address_whatever_its_case(db: Database, now: datetime) -> None:
    make_user(db, now, email="ada@example.org")
    data = UserCreate(email="ADA@example.org")
    with pytest.raises(users.UserRefused) as refused, db.write() as session:
        users.create_user(
            session=session,
            now=now,
            actor=None,
            data=data,
            password=accept_password("Tq9#vL2@pW8zKe", hasher=TEST_HASHER),
        )
    assert refused.value.errors == {"email": "taken"}
    assert len(audit_entries(db)) == 1


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"email": "not an address"}, "email"),
        ({"email": "a@example.org", "name": "two\nlines"}, "name"),
        ({"email": "a@example.org", "role": "owner"}, "role"),
        ({"email": "a@example.org", "name": "x" * 201}, "name"),
    ],
)
def test_bad_input_is_refused_field_by_field(values: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        UserCreate.model_validate(values)
    assert [error["loc"][0] for error in refused.value.errors()] == [field]


def test_admins_may_do_what_editors_may_and_not_the_reverse() -> None:
    assert users.may(UserRole.admin, UserRole.admin)
    assert users.may(UserRole.admin, UserRole.editor)
    assert users.may(UserRole.editor, UserRole.editor)
    assert not users.may(UserRole.editor, UserRole.admin)


def test_role_change_is_logged_with_before_and_after(db: Database, now: datetime) -> None:
    admin = make_user(db, now, email="admin@example.org")
    editor = make_user(db, now, role="editor")
    later = now + timedelta(minutes=5)
    with db.write() as session:
        users.change_role(
            session=session, now=later, actor=admin, user_id=editor.id, role=UserRole.admin
        )
    assert reload(db, editor).role == UserRole.admin
    assert reload(db, editor).updated_at == later
    entry = audit_entries(db)[-1]
    assert (entry.action, entry.actor_id, entry.actor_email) == (
        "user.role",
        admin.id,
        "admin@example.org",
    )
    assert (entry.before["role"], entry.after["role"]) == ("editor", "admin")  # type: ignore[index]
    assert entry.at == later


def test_the_last_active_admin_can_be_neither_demoted_nor_deactivated(
    db: Database, now: datetime
) -> None:
    admin = make_user(db, now)
    make_user(db, now, role="admin", active=False)  # an inactive admin does not count
    for change in (
        lambda s: users.change_role(
            session=s, now=now, actor=admin, user_id=admin.id, role=UserRole.editor
        ),
        lambda s: users.set_active(session=s, now=now, actor=admin, user_id=admin.id, active=False),
    ):
        with pytest.raises(users.UserRefused) as refused, db.write() as session:
            change(session)
        assert list(refused.value.errors.values()) == ["last_admin"]
    assert reload(db, admin).role == UserRole.admin
    assert reload(db, admin).active
    second = make_user(db, now)
    with db.write() as session:
        users.change_role(
            session=session, now=now, actor=second, user_id=admin.id, role=UserRole.editor
        )
    assert reload(db, admin).role == UserRole.editor


def test_deactivation_ends_sessions_and_reactivation_does_not_revive_them(
    db: Database, now: datetime
) -> None:
    admin = make_user(db, now)
    editor = make_user(db, now, role="editor")
    with db.write() as session:
        users.set_active(session=session, now=now, actor=admin, user_id=editor.id, active=False)
    assert reload(db, editor).session_version == 1
    with db.read() as session:
        assert users.session_user(session=session, user_id=editor.id, version=1) is None
    with db.write() as session:
        users.set_active(session=session, now=now, actor=admin, user_id=editor.id, active=True)
    with db.read() as session:
        assert users.session_user(session=session, user_id=editor.id, version=0) is None
        assert users.session_user(session=session, user_id=editor.id, version=1) is not None
    assert [e.action for e in audit_entries(db)][-2:] == ["user.deactivate", "user.reactivate"]


def test_changes_to_nothing_are_not_logged(db: Database, now: datetime) -> None:
    admin = make_user(db, now)
    with db.write() as session:
        users.change_role(
            session=session, now=now, actor=admin, user_id=admin.id, role=UserRole.admin
        )
        users.set_active(session=session, now=now, actor=admin, user_id=admin.id, active=True)
        assert (
            users.change_role(
                session=session, now=now, actor=admin, user_id=999, role=UserRole.admin
            )
            is None
        )
    assert len(audit_entries(db)) == 1


def test_password_change_and_reset_end_sessions_and_log_no_secret(
    db: Database, now: datetime
) -> None:
    user = make_user(db, now, email="ada@example.org")
    with db.write() as session:
        users.change_password(
            session=session,
            now=now,
            user_id=user.id,
            password=accept_password("Tq9#vL2@pW8zKe", hasher=TEST_HASHER),
        )
    changed = reload(db, user)
    assert changed.session_version == 1
    assert verify_password(changed.password_hash, "Tq9#vL2@pW8zKe")
    with db.write() as session:
        users.reset_password(
            session=session, now=now, actor=None, email="ADA@example.org ",
            password=accept_password("another fine passphrase here", hasher=TEST_HASHER),
        )  # fmt: skip
    assert reload(db, user).session_version == 2
    change, reset = audit_entries(db)[-2:]
    assert (change.action, change.actor_id, change.before, change.after) == (
        "user.password_change", user.id, None, None,
    )  # fmt: skip
    assert (reset.action, reset.actor_id, reset.target_label) == (
        "user.password_reset", None, "ada@example.org",
    )  # fmt: skip
    with pytest.raises(users.UserRefused) as refused, db.write() as session:
        users.reset_password(
            session=session, now=now, actor=None, email="nobody@example.org",
            password=accept_password("another fine passphrase here", hasher=TEST_HASHER),
        )  # fmt: skip
    assert refused.value.errors == {"email": "unknown"}


def test_sign_out_ends_every_session(db: Database, now: datetime) -> None:
    user = make_user(db, now)
    with db.write() as session:
        users.end_sessions(session=session, user_id=user.id)
    with db.read() as session:
        assert users.session_user(session=session, user_id=user.id, version=0) is None
        assert users.session_user(session=session, user_id=user.id, version=1) is not None
