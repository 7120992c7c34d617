"""Back-office users: creating them, their role, deactivating them, their password, and the
sessions they have open. Every change is written to the audit log in its own transaction.

Roles: an admin may do everything; an editor everything but users and the audit log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from events_app.admin.passwords import NewPassword
from events_app.admin.schemas import UserCreate
from events_app.admin.throttle import forget_account
from events_app.audit.records import record_audit
from events_app.models import User, UserRole
from events_app.registration.schemas import normalise_email

TARGET = "user"
_RANK = {UserRole.editor: 1, UserRole.admin: 2}


class UserRefused(ValueError):
    """A change the rules do not allow; `errors` maps a form field to a code the page words
    (taken, unknown, last_admin)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(f"{field}: {code}" for field, code in errors.items()))
        self.errors = errors


def may(role: UserRole, needed: UserRole) -> bool:
    """Whether a user with `role` may do what needs `needed` (admin includes editor)."""
    return _RANK[role] >= _RANK[needed]


def snapshot(user: User) -> dict[str, Any]:
    """What the audit log keeps of a user: never the password hash."""
    return {"email": user.email, "name": user.name, "role": user.role, "active": user.active}


def email_key(raw: str) -> str | None:
    """The stored form of an address, or None when it is not an address at all."""
    try:
        return normalise_email(raw)[1]
    except ValueError:
        return None


def find_user(*, session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def find_user_by_email(*, session: Session, email: str) -> User | None:
    key = email_key(email)
    if key is None:
        return None
    return session.scalar(select(User).where(col(User.email) == key))


def list_users(*, session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(col(User.email))).all())


def session_user(*, session: Session, user_id: int, version: int) -> User | None:
    """The user a session cookie names, while that session still holds: the account is
    active and nothing (sign-out, a new password, deactivation) has ended its sessions."""
    user = session.get(User, user_id)
    if user is None or not user.active or user.session_version != version:
        return None
    return user


def create_user(
    *, session: Session, now: datetime, actor: User | None, data: UserCreate, password: NewPassword
) -> User:
    if find_user_by_email(session=session, email=data.email) is not None:
        raise UserRefused({"email": "taken"})
    user = User(
        email=data.email,
        name=data.name,
        role=data.role,
        password_hash=password.hash,
        created_at=now,
        updated_at=now,
    )
    try:
        with session.begin_nested():  # two admins adding the same address at once
            session.add(user)
            session.flush()
    except IntegrityError:
        raise UserRefused({"email": "taken"}) from None
    record_audit(
        session=session, now=now, actor=actor, action="user.create", target_type=TARGET,
        target_id=user.id, target_label=user.email, before=None, after=snapshot(user),
    )  # fmt: skip
    return user


def _other_active_admins(session: Session, user: User) -> int:
    query = select(col(User.id)).where(
        col(User.role) == UserRole.admin, col(User.active).is_(True), col(User.id) != user.id
    )
    if session.get_bind().dialect.name == "postgresql":
        # Two admins demoting each other at the same moment must not both succeed.
        query = query.with_for_update()
    return len(session.scalars(query).all())


def _keep_an_admin(session: Session, user: User, field: str) -> None:
    if user.role == UserRole.admin and user.active and not _other_active_admins(session, user):
        raise UserRefused({field: "last_admin"})


def _changed(
    session: Session,
    now: datetime,
    actor: User | None,
    user: User,
    action: str,
    before: dict[str, Any] | None,
) -> User:
    """Stamp and log a change. With no `before` (a password) the entry keeps no details."""
    user.updated_at = now
    session.flush()
    record_audit(
        session=session, now=now, actor=actor, action=action, target_type=TARGET,
        target_id=user.id, target_label=user.email, before=before,
        after=None if before is None else snapshot(user),
    )  # fmt: skip
    return user


def change_role(
    *, session: Session, now: datetime, actor: User, user_id: int, role: UserRole
) -> User | None:
    """None when there is no such user. The last active admin keeps the role."""
    user = session.get(User, user_id)
    if user is None or user.role == role:
        return user
    if role != UserRole.admin:
        _keep_an_admin(session, user, "role")
    before = snapshot(user)
    user.role = role
    return _changed(session, now, actor, user, "user.role", before)


def set_active(
    *, session: Session, now: datetime, actor: User, user_id: int, active: bool
) -> User | None:
    """Deactivating ends the user's sessions at once; the last active admin stays active."""
    user = session.get(User, user_id)
    if user is None or user.active == active:
        return user
    if not active:
        _keep_an_admin(session, user, "active")
        user.session_version += 1
    before = snapshot(user)
    user.active = active
    action = "user.reactivate" if active else "user.deactivate"
    return _changed(session, now, actor, user, action, before)


def change_password(
    *, session: Session, now: datetime, user_id: int, password: NewPassword
) -> User:
    """The user's own change (they gave the current one). Ends every session they had."""
    user = session.get(User, user_id)
    assert user is not None
    _set_password(user, password)
    return _changed(session, now, user, user, "user.password_change", None)


def reset_password(
    *, session: Session, now: datetime, actor: User | None, email: str, password: NewPassword
) -> User:
    """A new password set for the user (from the command line). Ends every session they had."""
    user = find_user_by_email(session=session, email=email)
    if user is None:
        raise UserRefused({"email": "unknown"})
    _set_password(user, password)
    # Whoever was locked out gets back in at once (`reset-password` is the way out of a
    # lock-out), whichever address the failures came from.
    forget_account(session=session, email=user.email)
    return _changed(session, now, actor, user, "user.password_reset", None)


def _set_password(user: User, password: NewPassword) -> None:
    user.password_hash = password.hash
    user.session_version += 1


def end_sessions(*, session: Session, user_id: int) -> None:
    """Sign out: every session of this user ends, on every device."""
    user = session.get(User, user_id)
    if user is not None:
        user.session_version += 1
