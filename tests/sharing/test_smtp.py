""" "Send this to a friend" end to end: the form, the outbox, the worker and a real SMTP server.
Exactly one message reaches exactly one recipient, with nothing injected into its headers."""

from __future__ import annotations

from datetime import datetime

import pytest
from starlette.testclient import TestClient

from events_app.app import create_app
from events_app.clock import FrozenClock
from events_app.config import Settings
from events_app.db import Database
from tests.factories import make_event, make_worker
from tests.sharing.helpers import share_form, shared
from tests.support.smtp import SmtpServer

HEADERS_WE_SET = {"from", "to", "subject", "date", "message-id", "auto-submitted",
                  "mime-version", "content-type"}  # fmt: skip


def test_one_message_to_one_recipient_over_smtp(
    db: Database,
    clock: FrozenClock,
    now: datetime,
    smtp_settings: Settings,
    smtp_server: SmtpServer,
) -> None:
    make_event(db, now, slug="talk", title="Quantum talk", summary="Entangled photons.")
    app = create_app(smtp_settings, clock=clock, database=db)
    with TestClient(app, base_url="https://testserver") as client:
        response = share_form(
            client, "/events/talk/share", email="friend@example.org", name="Ada <Lovelace>",
            note="Bring <b>everyone</b> & more",
        )  # fmt: skip
    assert response.status_code == 303
    report = make_worker(settings=smtp_settings, db=db, clock=clock).run_once()
    assert (report.sent, report.failed) == (1, 0)

    [received] = smtp_server.collector.received
    assert received.rcpt_tos == ["friend@example.org"]
    assert received.mail_from == "events@events.example.org"
    message = received.message
    assert message["To"] == "friend@example.org"
    assert message["Subject"] == "Ada <Lovelace> thought you would like: Quantum talk"
    assert {name.lower() for name in message} == HEADERS_WE_SET
    assert message["Cc"] is None
    assert message["Bcc"] is None
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None
    assert html is not None
    text = plain.get_content()
    for part in ("Quantum talk", "Entangled photons.", "https://events.example.org/events/talk",
                 "Ada <Lovelace> wrote:", "Bring <b>everyone</b> & more"):  # fmt: skip
        assert part in text
    markup = html.get_content()
    assert "Bring &lt;b&gt;everyone&lt;/b&gt; &amp; more" in markup
    assert "<b>everyone</b>" not in markup
    assert list(message.iter_attachments()) == []
    [row] = shared(db)
    assert row.status == "sent"
    assert message["Message-ID"] == row.message_id


@pytest.mark.parametrize(
    "fields",
    [
        {"email": "friend@example.org\r\nBcc: victim@example.org"},
        {"email": "friend@example.org, victim@example.org"},
        {"name": "Ada\r\nBcc: victim@example.org"},
        {"note": "Hi\nBcc: victim@example.org"},
    ],
    ids=["email-crlf", "email-list", "name-crlf", "note-lf"],
)
def test_injection_attempts_never_reach_the_server(
    db: Database,
    clock: FrozenClock,
    now: datetime,
    smtp_settings: Settings,
    smtp_server: SmtpServer,
    fields: dict[str, str],
) -> None:
    make_event(db, now, slug="talk")
    app = create_app(smtp_settings, clock=clock, database=db)
    with TestClient(app, base_url="https://testserver") as client:
        assert share_form(client, "/events/talk/share", **fields).status_code == 400
    make_worker(settings=smtp_settings, db=db, clock=clock).run_once()
    assert smtp_server.collector.received == []
    assert shared(db) == []
