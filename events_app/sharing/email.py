"""The email of "Send this to a friend", written with the site's email templates."""

from __future__ import annotations

from typing import Any

from events_app.mail.composed import ComposedEmail
from events_app.models import Event
from events_app.registration.emails import EmailComposer, one_line

KIND = "shared"
# The outbox's subject column; a long name and a long title together could pass it.
SUBJECT_MAX = 300


def compose_share(
    composer: EmailComposer,
    *,
    to: str,
    sender_name: str,
    note: str,
    title: str,
    summary: str,
    url: str,
    event: Event | None = None,
) -> ComposedEmail:
    """ "Send this to a friend": the page's title, summary and link and the sender's note,
    all as text (the HTML part escapes every value). `to` is one address already checked
    by email-validator; the message builder refuses CR, LF and NUL in headers again."""
    context: dict[str, Any] = {
        "site_name": composer.settings.site_name,
        "sender_name": sender_name,
        "note": note,
        "title": title,
        "summary": summary,
        "url": url,
        "event": event,
    }
    subject = one_line(composer.env.get_template("shared.subject.txt").render(context))
    if len(subject) > SUBJECT_MAX:
        subject = subject[: SUBJECT_MAX - 1] + "…"
    text = composer.env.get_template("shared.txt").render(context)
    html = composer.env.get_template("shared.html").render(context)
    return ComposedEmail("shared", to, subject, text, html)
