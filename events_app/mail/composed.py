"""A composed email as the outbox takes it: what every feature's composer hands to mail/,
which stores it and sends it later without knowing what kind of email it is."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes
    # Set for an image the HTML shows inline (<img src="cid:...">): it travels beside the
    # HTML in multipart/related, not as a file to download.
    content_id: str = ""


@dataclass(frozen=True)
class ComposedEmail:
    kind: str
    to: str
    subject: str
    text: str
    html: str
    attachments: tuple[Attachment, ...] = field(default=())
