"""The emails that give a seat carry the check-in code: as text in both parts, and as a QR
image beside the HTML (multipart/related, named by cid:), which mail clients show where they
would block a data: URI or a remote image."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from events_app.db import Database
from events_app.mail.message import InvalidMessage, build_email
from events_app.mail.outbox import decode_attachments
from events_app.models import OutboxMessage, Registration
from events_app.registration import service
from events_app.registration.checkin_codes import format_code
from events_app.registration.notify import Notifier
from events_app.registration.qr import qr_png, qr_png_size
from tests.factories import make_event
from tests.registration.helpers import confirm, outbox, register

FROM = "Events <events@example.org>"


def by_kind(db: Database, kind: str) -> OutboxMessage:
    [message] = [m for m in outbox(db) if m.kind == kind]
    return message


def assert_carries_the_code(message: OutboxMessage, registration: Registration) -> None:
    code = format_code(registration.checkin_code)
    assert code in message.text_body
    assert code in message.html_body
    email = build_email(message, mail_from=FROM)
    related = next(p for p in email.walk() if p.get_content_type() == "multipart/related")
    html, image = related.iter_parts()
    assert html.get_content_type() == "text/html"
    assert image.get_content_type() == "image/png"
    assert image.get_content_disposition() == "inline"
    assert image.get_content() == qr_png(registration.checkin_code)
    content_id = image["Content-ID"].strip("<>")
    assert f'src="cid:{content_id}"' in html.get_content()
    size = qr_png_size(registration.checkin_code)
    assert f'width="{size}" height="{size}"' in html.get_content()
    # Not offered as a file to download; the invitation still is.
    assert [part.get_filename() for part in email.iter_attachments()] == [
        f"{registration_event_slug(message)}.ics"
    ]
    assert bytes(email) == bytes(build_email(message, mail_from=FROM))  # a resend is the same


def registration_event_slug(message: OutboxMessage) -> str:
    [ics] = [a for a in decode_attachments(message.attachments) if a.filename.endswith(".ics")]
    return ics.filename.removesuffix(".ics")


def test_the_confirmation_carries_the_code_and_its_qr(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now, capacity=5)
    _, token = register(db, now, notifier, event.id, "ada@example.org")
    registration = confirm(db, now, notifier, token)
    message = by_kind(db, "confirmed")
    assert_carries_the_code(message, registration)
    structure = [p.get_content_type() for p in build_email(message, mail_from=FROM).walk()]
    assert structure == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "multipart/related",
        "text/html",
        "image/png",
        "text/calendar",
        "application/ics",
    ]


def test_a_seat_from_the_waitlist_carries_the_code_too(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now, capacity=1)
    _, first = register(db, now, notifier, event.id, "first@example.org")
    confirm(db, now, notifier, first)
    _, second = register(db, now, notifier, event.id, "second@example.org")
    waiting = confirm(db, now, notifier, second)
    assert waiting.status == "waitlisted"
    assert format_code(waiting.checkin_code) not in by_kind(db, "waitlisted").text_body
    with db.write() as session:
        seated = service.find_by_token(session=session, token=first)
        assert seated is not None
        service.cancel_registration(
            session=session, now=now, registration=seated, notifier=notifier
        )
    assert_carries_the_code(by_kind(db, "promoted"), waiting)


def test_emails_without_a_seat_carry_no_code(
    db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now, capacity=5)
    registration, token = register(db, now, notifier, event.id, "ada@example.org")
    confirm(db, now, notifier, token)
    with db.write() as session:
        found = service.find_by_token(session=session, token=token)
        assert found is not None
        service.cancel_registration(session=session, now=now, registration=found, notifier=notifier)
    code = format_code(registration.checkin_code)
    for kind in ("confirm_request", "cancelled"):
        message = by_kind(db, kind)
        assert code not in message.text_body + message.html_body, kind
        assert "image/png" not in message.attachments, kind


def test_an_inline_image_without_html_is_never_sent(now: datetime) -> None:
    attachment = {
        "filename": "check-in-code.png",
        "content_type": "image/png",
        "content": "iVBORw0KGgo=",
        "content_id": "checkin-x@example.org",
    }
    message = OutboxMessage(
        message_id="<x@example.org>", kind="confirmed", to_address="ada@example.org",
        subject="Seat", text_body="Text", html_body="", attachments=json.dumps([attachment]),
        next_attempt_at=now, created_at=now,
    )  # fmt: skip
    with pytest.raises(InvalidMessage):
        build_email(message, mail_from=FROM)


def test_attachments_stored_before_inline_images_existed_still_read() -> None:
    stored = json.dumps([{"filename": "a.ics", "content_type": "text/calendar", "content": ""}])
    [attachment] = decode_attachments(stored)
    assert attachment.content_id == ""
