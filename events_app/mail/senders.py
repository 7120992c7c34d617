"""Mail backends, chosen by EVENTS_MAIL_BACKEND: `smtp`, `file` (one .eml per message) and
`console` (the message goes to the log). Each takes a built EmailMessage and its one envelope
recipient; a sender is used by one worker thread at a time and closed after each batch.

An exception from `send` means "not delivered, try again later", except `PermanentFailure`,
which means the server refused the message for good (every recipient refused with a 5xx).
"""

from __future__ import annotations

import logging
import os
import re
import smtplib
import ssl
import tempfile
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from events_app.config import Settings
from events_app.mail.message import envelope_sender

logger = logging.getLogger(__name__)


class PermanentFailure(Exception):
    """The server said no for good; retrying would only say no again."""


class Sender(Protocol):
    def send(self, email: EmailMessage, *, to: str, outbox_id: int) -> None: ...

    def close(self) -> None: ...


class SmtpSender:
    """smtplib, one connection reused for a batch and dropped after any error."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.envelope_from = envelope_sender(settings.mail_from)
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        smtp: smtplib.SMTP
        if s.smtp_security == "tls":
            smtp = smtplib.SMTP_SSL(
                s.smtp_host,
                s.smtp_port,
                timeout=s.smtp_timeout_seconds,
                context=ssl.create_default_context(),
            )
        else:
            smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds)
        try:
            if s.smtp_security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if s.smtp_username:
                smtp.login(s.smtp_username, s.smtp_password)
        except BaseException:
            _quietly_close(smtp)
            raise
        return smtp

    def send(self, email: EmailMessage, *, to: str, outbox_id: int) -> None:
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            self._smtp.send_message(email, from_addr=self.envelope_from, to_addrs=[to])
        except smtplib.SMTPRecipientsRefused as exc:
            self._reset()
            codes = [code for code, _ in exc.recipients.values()]
            if codes and all(500 <= code < 600 for code in codes):
                raise PermanentFailure(f"recipient refused: {exc.recipients}") from exc
            raise
        except BaseException:
            self.close()
            raise

    def _reset(self) -> None:
        try:
            if self._smtp is not None:
                self._smtp.rset()
        except (smtplib.SMTPException, OSError):
            self.close()

    def close(self) -> None:
        if self._smtp is not None:
            _quietly_close(self._smtp)
            self._smtp = None


def _quietly_close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


class FileSender:
    """One .eml file per message, named by outbox id and Message-ID: a resend overwrites."""

    def __init__(self, settings: Settings) -> None:
        self.directory = Path(settings.mail_dir)

    def path_for(self, email: EmailMessage, outbox_id: int) -> Path:
        stable = re.sub(r"[^A-Za-z0-9._-]", "_", str(email["Message-ID"]).strip("<>"))
        return self.directory / f"{outbox_id:08d}-{stable}.eml"

    def send(self, email: EmailMessage, *, to: str, outbox_id: int) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.path_for(email, outbox_id)
        handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(email.as_bytes())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        logger.info("mail written to %s", path)

    def close(self) -> None:
        pass


class ConsoleSender:
    """The whole message, logged at INFO: for development."""

    def send(self, email: EmailMessage, *, to: str, outbox_id: int) -> None:
        logger.info("mail %s to %s:\n%s", email["Message-ID"], to, email.as_string())

    def close(self) -> None:
        pass


def make_sender(settings: Settings) -> Sender:
    if settings.mail_backend == "smtp":
        return SmtpSender(settings)
    if settings.mail_backend == "file":
        return FileSender(settings)
    return ConsoleSender()
