"""The audit log: entries as later parts will write them, the listing's filters and order,
and the readable diff."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from events_app.audit.records import AuditFilters, audit_choices, changes, list_audit, record_audit
from events_app.db import Database
from events_app.models import AuditEntry, EventStatus
from tests.factories import make_user


def test_snapshots_are_stored_as_json(db: Database, now: datetime) -> None:
    actor = make_user(db, now, email="ed@example.org")
    with db.write() as session:
        entry = record_audit(
            session=session, now=now, actor=actor, action="event.update", target_type="event",
            target_id=7, target_label="Open Science Day",
            before={"status": EventStatus.draft, "starts_at": now, "day": date(2026, 12, 2)},
            after={"status": EventStatus.published, "tags": {"b", "a"}, "capacity": None},
        )  # fmt: skip
    with db.read() as session:
        stored = session.get(AuditEntry, entry.id)
    assert stored is not None
    assert (stored.actor_id, stored.actor_email, stored.target_id) == (
        actor.id,
        "ed@example.org",
        "7",
    )
    assert stored.before == {
        "status": "draft",
        "starts_at": "2026-12-01T09:00:00+00:00",
        "day": "2026-12-02",
    }
    assert stored.after == {"status": "published", "tags": ["a", "b"], "capacity": None}


def test_the_diff_shows_changed_keys_only() -> None:
    entry = AuditEntry(
        at=datetime(2026, 1, 1, tzinfo=UTC), action="x", target_type="y",
        before={"title": "Old", "capacity": 10, "venue": "Hall", "gone": True},
        after={"title": "New", "capacity": 10, "venue": "Hall", "online": "https://x.org"},
    )  # fmt: skip
    assert [(c.key, c.before, c.after) for c in changes(entry)] == [
        ("gone", "true", None),
        ("online", None, "https://x.org"),
        ("title", "Old", "New"),
    ]
    created = AuditEntry(at=entry.at, action="x", target_type="y", before=None, after={"a": 1})
    assert [(c.key, c.before, c.after) for c in changes(created)] == [("a", None, "1")]
    assert changes(AuditEntry(at=entry.at, action="x", target_type="y")) == []


def _log(db: Database, at: datetime, action: str, target_type: str, actor: object = None) -> None:
    with db.write() as session:
        record_audit(
            session=session, now=at, actor=actor, action=action, target_type=target_type,  # type: ignore[arg-type]
            target_id=None, target_label=action, before=None, after=None,
        )  # fmt: skip


def test_listing_is_newest_first_paginated_and_filtered(db: Database, now: datetime) -> None:
    ada = make_user(db, now - timedelta(days=30), email="ada@example.org")  # logs user.create
    _log(db, now - timedelta(days=2), "event.update", "event", ada)
    _log(db, now - timedelta(days=1), "article.update", "article", ada)
    _log(db, now, "event.delete", "event")
    _log(db, now, "event.update", "event", ada)  # same instant: the later one first

    def actions(filters: AuditFilters | None = None, page: int = 1, size: int = 50) -> list[str]:
        with db.read() as session:
            listed = list_audit(
                session=session, filters=filters or AuditFilters(), page=page, page_size=size
            )
        return [entry.action for entry in listed.items]

    assert actions() == [
        "event.update",
        "event.delete",
        "article.update",
        "event.update",
        "user.create",
    ]
    assert actions(page=2, size=2) == ["article.update", "event.update"]
    with db.read() as session:
        assert list_audit(session=session, filters=AuditFilters(), page=3, page_size=2).total == 5
    assert actions(AuditFilters(actor_id=ada.id)) == [
        "event.update",
        "article.update",
        "event.update",
    ]
    assert actions(AuditFilters(command_line=True)) == ["event.delete", "user.create"]
    assert actions(AuditFilters(action="event.update")) == ["event.update", "event.update"]
    assert actions(AuditFilters(target_type="article")) == ["article.update"]
    window = AuditFilters(since=now - timedelta(days=2), until=now)
    assert actions(window) == ["article.update", "event.update"]
    with db.read() as session:
        known_actions, targets = audit_choices(session=session)
    assert known_actions == ["article.update", "event.delete", "event.update", "user.create"]
    assert targets == ["article", "event", "user"]
