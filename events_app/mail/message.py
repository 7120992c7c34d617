"""Turning an outbox row into an `email.message.EmailMessage`, and nothing else.

The message is multipart/alternative (plain text, then HTML) with the attachments beside it,
and carries the row's stable Message-ID, so a message sent twice after a crash is recognisably
the same message. Its Date is the moment it was written to the outbox, which keeps a resend
byte for byte identical. A header value holding CR, LF or NUL is refused outright: it could
only be an attempt to inject headers, so the message is never sent and ends `failed`.
"""

from __future__ import annotations

import hashlib
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, parseaddr

from events_app.mail.composed import Attachment
from events_app.mail.outbox import decode_attachments
from events_app.models import OutboxMessage

FORBIDDEN = ("\r", "\n", "\0")


class InvalidMessage(ValueError):
    """This message can never be sent as it stands; retrying would not help."""


class UnsafeHeader(InvalidMessage):
    pass


def check_header(name: str, value: str) -> str:
    if any(char in value for char in FORBIDDEN):
        raise UnsafeHeader(f"{name} header contains CR, LF or NUL; refused")
    return value


def single_address(name: str, value: str) -> str:
    """The one bare address in a To or From value; a list of several is refused."""
    check_header(name, value)
    addresses = [address for _, address in getaddresses([value]) if address]
    if len(addresses) != 1 or "@" not in addresses[0]:
        raise InvalidMessage(f"{name} header must hold exactly one address")
    return addresses[0]


def envelope_sender(mail_from: str) -> str:
    return parseaddr(check_header("From", mail_from))[1]


def _parameters(text: str) -> list[tuple[str, str]]:
    pairs = (item.partition("=") for item in text.split(";") if "=" in item)
    return [(name.strip(), check_header("parameter", value.strip())) for name, _, value in pairs]


def build_email(message: OutboxMessage, *, mail_from: str) -> EmailMessage:
    single_address("From", mail_from)
    single_address("To", message.to_address)
    email = EmailMessage()
    email["From"] = mail_from
    email["To"] = message.to_address
    email["Subject"] = check_header("Subject", message.subject)
    email["Date"] = format_datetime(message.created_at)
    email["Message-ID"] = check_header("Message-ID", message.message_id)
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.text_body)
    if message.html_body:
        email.add_alternative(message.html_body, subtype="html")
    for attachment in decode_attachments(message.attachments):
        content_type, _, parameters = attachment.content_type.partition(";")
        maintype, _, subtype = content_type.strip().partition("/")
        params = dict(_parameters(parameters))
        filename = check_header("filename", attachment.filename)
        if attachment.content_id:
            _add_inline(email, attachment, maintype, subtype, filename)
            continue
        if content_type == "text/calendar":
            # An invitation: as an alternative to the text (where Outlook and Gmail look for
            # it to show "add to calendar") and as a file for every other client.
            email.add_alternative(
                attachment.content, maintype="text", subtype="calendar", params=params
            )
            email.add_attachment(
                attachment.content, maintype="application", subtype="ics", filename=filename
            )
            continue
        email.add_attachment(
            attachment.content,
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=filename,
            params=params,
        )
    _boundaries(email, message.message_id)
    return email


def _add_inline(
    email: EmailMessage, attachment: Attachment, maintype: str, subtype: str, filename: str
) -> None:
    """An image the HTML names by cid: beside the HTML part, in multipart/related, which is
    where mail clients look for it (they block data: URIs and remote images by default)."""
    html = email.get_body(preferencelist=("related", "html"))
    if html is None:
        raise InvalidMessage("an inline image needs an HTML part")
    content_id = check_header("Content-ID", attachment.content_id)
    html.add_related(
        attachment.content,
        maintype=maintype,
        subtype=subtype,
        cid=f"<{content_id}>",
        disposition="inline",
        filename=filename,
    )


def _boundaries(email: EmailMessage, message_id: str) -> None:
    # MIME boundaries derived from the Message-ID rather than random: a resend is the same bytes.
    seed = hashlib.sha256(message_id.encode()).hexdigest()
    for number, part in enumerate(p for p in email.walk() if p.is_multipart()):
        part.set_boundary(f"=={seed[:32]}.{number}==")
