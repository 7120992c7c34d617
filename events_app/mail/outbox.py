"""The outbox: emails written in the same transaction as the change that causes them."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import datetime
from urllib.parse import urlsplit

from sqlmodel import Session

from events_app.mail.composed import Attachment, ComposedEmail
from events_app.models import OutboxMessage


def new_message_id(base_url: str) -> str:
    domain = urlsplit(base_url).hostname or "events.invalid"
    return f"<{uuid.uuid4().hex}@{domain}>"


def encode_attachments(attachments: tuple[Attachment, ...]) -> str:
    return json.dumps(
        [
            {
                "filename": a.filename,
                "content_type": a.content_type,
                "content": base64.b64encode(a.content).decode(),
                **({"content_id": a.content_id} if a.content_id else {}),
            }
            for a in attachments
        ]
    )


def decode_attachments(stored: str) -> list[Attachment]:
    return [
        Attachment(
            item["filename"],
            item["content_type"],
            base64.b64decode(item["content"]),
            item.get("content_id", ""),
        )
        for item in json.loads(stored or "[]")
    ]


def enqueue(
    *,
    session: Session,
    now: datetime,
    email: ComposedEmail,
    base_url: str,
    registration_id: int | None = None,
) -> OutboxMessage:
    message = OutboxMessage(
        message_id=new_message_id(base_url),
        kind=email.kind,
        registration_id=registration_id,
        to_address=email.to,
        subject=email.subject,
        text_body=email.text,
        html_body=email.html,
        attachments=encode_attachments(email.attachments),
        next_attempt_at=now,
        created_at=now,
    )
    session.add(message)
    return message
