"""The audit log: who changed what, when, and what it was before and after.

`record_audit` is called inside the write transaction of the change it records, so an entry
exists exactly when the change does. Later parts of the back office (events, articles,
registrations, check-in) call it the same way, with their own action and target names.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlmodel import Session, col

from events_app.models import AuditEntry, User
from events_app.pagination import Page, clamp_page

ABSENT = object()


def _jsonable(value: Any) -> Any:
    """A value as JSON can hold it: instants and dates as ISO 8601, enums as their value."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Enum):
        return _jsonable(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_jsonable(item) for item in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    return str(value)


def record_audit(
    *,
    session: Session,
    now: datetime,
    actor: User | None,
    action: str,
    target_type: str,
    target_id: int | str | None,
    target_label: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> AuditEntry:
    """Add one entry to the log. `actor` None means the command line. `before` and `after` are
    snapshots of what changed (never a password or its hash); None where there was nothing
    (a creation has no before)."""
    entry = AuditEntry(
        at=now,
        actor_id=actor.id if actor else None,
        actor_email=actor.email if actor else "",
        action=action[:60],
        target_type=target_type[:40],
        target_id="" if target_id is None else str(target_id)[:64],
        target_label=target_label[:300],
        before=None if before is None else _jsonable(before),
        after=None if after is None else _jsonable(after),
    )
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class AuditFilters:
    actor_id: int | None = None
    command_line: bool = False  # entries made from the command line (no actor)
    action: str | None = None
    target_type: str | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive


def _conditions(filters: AuditFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.command_line:
        conditions.append(col(AuditEntry.actor_id).is_(None))
    elif filters.actor_id is not None:
        conditions.append(col(AuditEntry.actor_id) == filters.actor_id)
    if filters.action:
        conditions.append(col(AuditEntry.action) == filters.action)
    if filters.target_type:
        conditions.append(col(AuditEntry.target_type) == filters.target_type)
    if filters.since is not None:
        conditions.append(col(AuditEntry.at) >= filters.since)
    if filters.until is not None:
        conditions.append(col(AuditEntry.at) < filters.until)
    return conditions


def list_audit(
    *, session: Session, filters: AuditFilters, page: int = 1, page_size: int = 50
) -> Page[AuditEntry]:
    """Entries newest first (entries of the same instant: the later written first)."""
    page = clamp_page(page)
    conditions = _conditions(filters)
    total = session.scalar(select(func.count()).select_from(AuditEntry).where(*conditions))
    entries = session.scalars(
        select(AuditEntry)
        .where(*conditions)
        .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    return Page(items=list(entries), number=page, size=page_size, total=int(total or 0))


def audit_choices(*, session: Session) -> tuple[list[str], list[str]]:
    """The actions and target types the log holds, for the filter menus."""
    actions = session.scalars(select(col(AuditEntry.action)).distinct()).all()
    targets = session.scalars(select(col(AuditEntry.target_type)).distinct()).all()
    return sorted(actions), sorted(targets)


@dataclass(frozen=True)
class Change:
    key: str
    before: str | None  # None: the key was absent on that side
    after: str | None


def _shown(value: Any) -> str | None:
    if value is ABSENT:
        return None
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def changes(entry: AuditEntry) -> list[Change]:
    """The keys whose values differ between before and after, in key order."""
    before, after = entry.before or {}, entry.after or {}
    return [
        Change(key, _shown(before.get(key, ABSENT)), _shown(after.get(key, ABSENT)))
        for key in sorted(before.keys() | after.keys())
        if before.get(key, ABSENT) != after.get(key, ABSENT)
    ]
