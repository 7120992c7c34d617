"""Queueing failed mail again: which messages the filters pick, what a re-queue resets, and
the audit entry it leaves."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from events_app.audit.records import AuditFilters, list_audit
from events_app.db import Database
from events_app.mail.delivery import claim_due
from events_app.mail.retry import FailedFilters, count_failed, list_failed, retry_failed
from events_app.models import OutboxMessage, OutboxStatus
from events_app.registration.notify import Notifier
from tests.factories import fail_due_mail, make_event, make_user
from tests.registration.helpers import confirm, register


def _retry(db: Database, now: datetime, **filters: object) -> list[int]:
    with db.write() as session:
        return retry_failed(
            session=session,
            now=now,
            filters=FailedFilters(**filters),
            actor=None,  # type: ignore[arg-type]
        )


def _messages(db: Database) -> dict[int, OutboxMessage]:
    with db.read() as session:
        return {m.id: m for m in session.scalars(select(OutboxMessage)) if m.id is not None}


def _failed_mail(db: Database, now: datetime, notifier: Notifier) -> dict[str, list[int]]:
    """Failed messages: two confirm requests for "talk", one for "fair" ten minutes later, and a
    "confirmed" for "talk"; then one pending message queued after the outage."""
    talk, fair = make_event(db, now, slug="talk"), make_event(db, now, slug="fair")
    assert talk.id is not None
    assert fair.id is not None
    _ada, ada_token = register(db, now, notifier, talk.id, "ada@example.org")
    register(db, now, notifier, talk.id, "bob@example.org")
    requests = fail_due_mail(db, now)
    later = now + timedelta(minutes=10)
    register(db, later, notifier, fair.id, "cy@example.org")
    confirm(db, later, notifier, ada_token)
    rest = fail_due_mail(db, later)
    register(db, later, notifier, fair.id, "dee@example.org")  # pending, not failed
    return {"talk requests": requests, "later": rest}


def test_filters_pick_failed_messages_by_kind_event_and_time(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    failed = _failed_mail(db, now, notifier)
    later = now + timedelta(minutes=10)
    cy_request, ada_confirmed = failed["later"]
    with db.read() as session:
        assert count_failed(session=session) == 4
        listed = list_failed(session=session)
    assert [(m.kind, m.event_slug) for m in listed] == [
        ("confirmed", "talk"), ("confirm_request", "fair"),
        ("confirm_request", "talk"), ("confirm_request", "talk"),
    ]  # fmt: skip

    assert _retry(db, later, kind="confirmed") == [ada_confirmed]
    assert _retry(db, later, event_slug="talk", until=later) == failed["talk requests"]
    assert _retry(db, later, since=later, kind="confirm_request") == [cy_request]
    assert _retry(db, later, kind="confirmed") == []  # already queued again


def test_a_retried_message_is_pending_from_zero_and_due_at_once(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    failed = _failed_mail(db, now, notifier)
    before = _messages(db)
    later = now + timedelta(days=2)

    retried = _retry(db, later, ids=(*failed["talk requests"], 999))

    assert retried == failed["talk requests"]
    after = _messages(db)
    for outbox_id, message in after.items():
        if outbox_id in retried:
            assert message.status == OutboxStatus.pending
            assert (message.attempts, message.next_attempt_at) == (0, later)
            assert message.locked_until is None
            assert message.last_error == "421 try again later"  # kept until the next outcome
        else:
            assert (message.status, message.attempts) == (
                before[outbox_id].status, before[outbox_id].attempts
            )  # fmt: skip
    with db.write() as session:
        claimed = claim_due(session=session, now=later, lease=timedelta(minutes=1), limit=10)
    assert {claim.message.id for claim in claimed} == {*retried, max(after)}  # and the pending one


def test_each_retry_is_one_audit_entry_naming_the_actor_and_the_messages(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    failed = _failed_mail(db, now, notifier)
    admin = make_user(db, now, email="admin@example.org")
    with db.write() as session:
        retry_failed(
            session=session, now=now, filters=FailedFilters(event_slug="talk"), actor=admin
        )
    assert _retry(db, now, event_slug="nothing-here") == []  # no entry for nothing

    with db.read() as session:
        entries = list_audit(session=session, filters=AuditFilters(action="mail.retry")).items
    (entry,) = entries
    ada_confirmed = failed["later"][1]
    assert (entry.actor_email, entry.target_type) == ("admin@example.org", "outbox")
    assert entry.target_label == "3 failed message(s) queued again"
    assert entry.after == {
        "status": "pending", "count": 3, "filters": {"event_slug": "talk"},
        "messages": sorted([*failed["talk requests"], ada_confirmed]),
    }  # fmt: skip
