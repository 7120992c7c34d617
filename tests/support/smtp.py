"""A real SMTP server (aiosmtpd) on a free local port, collecting what it receives: the
`smtp_server` and `smtp_settings` fixtures, which a conftest.py imports where tests need them."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from events_app.config import Settings
from tests.support.settings import make_settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class Collector:
    """The handler: records each message as its DATA arrives, then (optionally) dawdles
    before answering 250, so that a client can be killed while it waits."""

    delay: float = 0.0
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        message = BytesParser(policy=policy.default).parsebytes(raw)
        assert isinstance(message, EmailMessage)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 Message accepted for delivery"

    def message_ids(self) -> Counter[str]:
        with self.lock:
            return Counter(str(r.message["Message-ID"]) for r in self.received)


@dataclass
class SmtpServer:
    host: str
    port: int
    collector: Collector


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    collector = Collector()
    port = free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", port, collector)
    finally:
        controller.stop()


@pytest.fixture
def smtp_settings(database_url: str, smtp_server: SmtpServer) -> Settings:
    return make_settings(
        database_url,
        mail_backend="smtp",
        smtp_host=smtp_server.host,
        smtp_port=smtp_server.port,
        smtp_timeout_seconds=5,
        mail_from="Events <events@events.example.org>",
    )
