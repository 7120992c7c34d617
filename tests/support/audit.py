"""Reading back what the back office wrote: the audit log and a user as stored."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import col

from events_app.db import Database
from events_app.models import AuditEntry, User


def audit_entries(db: Database) -> list[AuditEntry]:
    with db.read() as session:
        return list(session.scalars(select(AuditEntry).order_by(col(AuditEntry.id))).all())


def reload(db: Database, user: User) -> User:
    with db.read() as session:
        found = session.get(User, user.id)
        assert found is not None
        return found
