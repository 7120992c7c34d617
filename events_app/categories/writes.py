"""Categories from the back office: the category services (categories/editing.py), each
change written to the audit log in the same transaction."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from events_app.audit.records import record_audit
from events_app.categories.editing import (
    create_category,
    delete_category,
    find_category,
    rename_category,
)
from events_app.models import Category, User

TARGET = "category"


def _audit(
    session: Session,
    now: datetime,
    actor: User,
    action: str,
    category: Category,
    before: dict[str, str] | None,
    after: dict[str, str] | None,
) -> None:
    record_audit(
        session=session,
        now=now,
        actor=actor,
        action=action,
        target_type=TARGET,
        target_id=category.id,
        target_label=category.name,
        before=before,
        after=after,
    )


def _snapshot(category: Category) -> dict[str, str]:
    return {"name": category.name, "slug": category.slug}


def add_category(*, session: Session, now: datetime, actor: User, name: str) -> Category:
    """Raises CategoryRefused ('required', 'taken')."""
    category = create_category(session=session, now=now, name=name)
    _audit(session, now, actor, "category.create", category, None, _snapshot(category))
    return category


def rename(
    *, session: Session, now: datetime, actor: User, slug: str, name: str
) -> Category | None:
    """None when the category no longer exists; raises CategoryRefused."""
    category = find_category(session=session, slug=slug)
    if category is None:
        return None
    before = _snapshot(category)
    rename_category(session=session, now=now, category=category, name=name)
    _audit(session, now, actor, "category.rename", category, before, _snapshot(category))
    return category


def remove(*, session: Session, now: datetime, actor: User, slug: str) -> bool:
    """False when the category no longer exists; raises CategoryRefused ('in_use')."""
    category = find_category(session=session, slug=slug)
    if category is None:
        return False
    before = _snapshot(category)
    delete_category(session=session, now=now, category=category)
    _audit(session, now, actor, "category.delete", category, before, None)
    return True
