"""Preview link tokens and their making, without HTTP: what a token carries, what makes one
refused, and that a link is made (and audited) only for an event that is not live."""

from __future__ import annotations

from datetime import datetime, timedelta

from events_app.db import Database
from events_app.events.preview_links import (
    PREVIEW_LINK_LIFETIME,
    create_preview_link,
    issue_preview_token,
    read_preview_token,
)
from events_app.registration.sent_notice import SentNotice, issue_notice
from tests.factories import make_event, make_user
from tests.support.audit import audit_entries

SECRET = "preview-test-secret-" + "x" * 32


def test_a_token_carries_its_event_and_expiry(now: datetime) -> None:
    expires_at = now + PREVIEW_LINK_LIFETIME
    claim = read_preview_token(
        SECRET, issue_preview_token(SECRET, event_id=7, expires_at=expires_at)
    )
    assert claim is not None
    assert (claim.event_id, claim.expires_at) == (7, expires_at)
    assert not claim.expired(expires_at - timedelta(seconds=1))
    assert claim.expired(expires_at)


def test_edited_foreign_and_malformed_tokens_are_refused(now: datetime) -> None:
    token = issue_preview_token(SECRET, event_id=7, expires_at=now + timedelta(days=1))
    edited = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert read_preview_token(SECRET, edited) is None
    assert read_preview_token("another-secret-" + "y" * 32, token) is None
    assert read_preview_token(SECRET, "") is None
    assert read_preview_token(SECRET, "x" * 500) is None
    # Signed by the same key for another purpose (the "check your email" cookie): a salt apart.
    notice = SentNotice(7, "a@example.org", now, now, seat_held=True)
    assert read_preview_token(SECRET, issue_notice(SECRET, notice)) is None


def test_a_link_is_made_and_audited_for_a_draft_or_scheduled_event(
    db: Database, now: datetime
) -> None:
    editor = make_user(db, now, role="editor", email="ed@example.org")
    draft = make_event(db, now, slug="draft", status="draft")
    scheduled = make_event(db, now, slug="later", publish_at=now + timedelta(days=2))
    for event in (draft, scheduled):
        assert event.id is not None
        with db.write() as session:
            link = create_preview_link(
                session=session, now=now, actor=editor, event_id=event.id, secret_key=SECRET
            )
        assert link is not None
        assert link.slug == event.slug
        assert link.expires_at == now + PREVIEW_LINK_LIFETIME
        claim = read_preview_token(SECRET, link.token)
        assert claim is not None
        assert claim.event_id == event.id
    entries = audit_entries(db)[-2:]
    assert [(e.action, e.target_label) for e in entries] == [
        ("event.preview_link", "draft"),
        ("event.preview_link", "later"),
    ]


def test_no_link_for_a_live_or_missing_event(db: Database, now: datetime) -> None:
    editor = make_user(db, now, role="editor", email="ed@example.org")
    live = make_event(db, now, slug="live")
    assert live.id is not None
    before = len(audit_entries(db))
    for event_id in (live.id, live.id + 1000):
        with db.write() as session:
            made = create_preview_link(
                session=session, now=now, actor=editor, event_id=event_id, secret_key=SECRET
            )
        assert made is None
    assert len(audit_entries(db)) == before
