"""Sharing as a service: what may be shared, and the one email it writes to the outbox."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from events_app.db import Database
from events_app.models import Registration
from events_app.registration.emails import EmailComposer
from events_app.registration.notify import Notifier
from events_app.sharing.email import SUBJECT_MAX
from events_app.sharing.schemas import ShareRequest
from events_app.sharing.service import (
    ShareKind,
    find_share_target,
    recipient_key,
    send_to_friend,
)
from tests.factories import make_article, make_event
from tests.registration.helpers import outbox


def share(db: Database, now: datetime, composer: EmailComposer, kind: ShareKind, slug: str,
          **fields: str) -> None:  # fmt: skip
    data = ShareRequest.model_validate(
        {"email": "friend@example.org", "name": "Ada", "note": ""} | fields
    )
    with db.write() as session:
        target = find_share_target(session=session, now=now, kind=kind, slug=slug)
        assert target is not None
        send_to_friend(session=session, now=now, target=target, request=data, composer=composer)


@pytest.fixture
def composer(notifier: Notifier) -> EmailComposer:
    return notifier.composer


def test_an_event_goes_to_one_recipient_with_title_summary_link_and_note(
    db: Database, now: datetime, composer: EmailComposer
) -> None:
    make_event(db, now, slug="talk", title="Quantum talk", summary="Entangled photons.")
    share(db, now, composer, ShareKind.event, "talk", name="Ada Lovelace", note="See you there!")
    [message] = outbox(db)
    assert message.kind == "shared"
    assert message.to_address == "friend@example.org"
    assert message.registration_id is None
    assert message.subject == "Ada Lovelace thought you would like: Quantum talk"
    text = message.text_body
    for part in ("Quantum talk", "Entangled photons.", "See you there!",
                 "https://events.example.org/events/talk", "Ada Lovelace"):  # fmt: skip
        assert part in text
        assert part in message.html_body
    assert "Tue 8 Dec 2026" in text  # an event's email says when
    assert message.attachments == "[]"


def test_an_article_links_to_the_article(
    db: Database, now: datetime, composer: EmailComposer
) -> None:
    make_article(db, now, slug="news", title="Shared labs", summary="", body="Labs *open* up.")
    share(db, now, composer, ShareKind.article, "news")
    [message] = outbox(db)
    assert message.subject == "Ada thought you would like: Shared labs"
    assert "https://events.example.org/articles/news" in message.text_body
    assert "Labs open up." in message.text_body  # no summary: the body's text instead
    assert "Ada wrote:" not in message.text_body  # no note, no quote


def test_the_html_part_escapes_everything_the_sender_typed(
    db: Database, now: datetime, composer: EmailComposer
) -> None:
    make_event(db, now, slug="talk", title="Fish & <Chips>")
    share(db, now, composer, ShareKind.event, "talk", name="<b>Eve</b>",
          note='<script>alert(1)</script> <a href="x">click</a>')  # fmt: skip
    [message] = outbox(db)
    html = message.html_body
    assert "<script>" not in html
    assert "<b>Eve</b>" not in html
    assert '<a href="x">' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;Eve&lt;/b&gt;" in html
    assert "Fish &amp; &lt;Chips&gt;" in html
    # The plain text part is text: what was typed, as typed.
    assert '<script>alert(1)</script> <a href="x">click</a>' in message.text_body
    assert message.subject == "<b>Eve</b> thought you would like: Fish & <Chips>"


def test_a_long_name_and_title_still_fit_the_subject(
    db: Database, now: datetime, composer: EmailComposer
) -> None:
    make_event(db, now, slug="talk", title="T" * 200)
    share(db, now, composer, ShareKind.event, "talk", name="N" * 100)
    [message] = outbox(db)
    assert len(message.subject) == SUBJECT_MAX
    assert message.subject.endswith("…")


def test_only_what_a_visitor_may_see_can_be_shared(db: Database, now: datetime) -> None:
    make_event(db, now, slug="draft", status="draft")
    make_event(db, now, slug="later", publish_at=now + timedelta(hours=1))
    make_article(db, now, slug="tomorrow", published_at=now + timedelta(days=1))
    make_event(db, now, slug="cancelled", status="cancelled")
    with db.read() as session:

        def find(kind: ShareKind, slug: str) -> object:
            return find_share_target(session=session, now=now, kind=kind, slug=slug)

        assert find(ShareKind.event, "draft") is None
        assert find(ShareKind.event, "later") is None
        assert find(ShareKind.event, "missing") is None
        assert find(ShareKind.article, "tomorrow") is None
        assert find(ShareKind.article, "cancelled") is None  # an event's slug, not an article
        assert find(ShareKind.event, "cancelled") is not None  # its page says what happened


def test_the_recipient_key_hides_the_address_under_the_secret_key() -> None:
    key = recipient_key("secret", "friend@example.org")
    assert "friend" not in key
    assert key == recipient_key("secret", "friend@example.org")
    assert key != recipient_key("another secret", "friend@example.org")


def test_a_shared_email_is_not_a_registration_email(
    db: Database, now: datetime, composer: EmailComposer
) -> None:
    event = make_event(db, now, slug="talk")
    registration = Registration(
        event_id=event.id, name="Ada", email="ada@example.org", email_key="ada@example.org",
        status="confirmed", token_nonce="", token_hash="", consent_at=now, link_sent_at=now,
        created_at=now, updated_at=now,
    )  # fmt: skip
    with pytest.raises(ValueError, match="not an email about a registration"):
        composer.compose("shared", registration=registration, event=event, now=now)
