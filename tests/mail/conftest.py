"""A real SMTP server (aiosmtpd) on a free local port for every mail test (tests/support)."""

from tests.support.smtp import smtp_server, smtp_settings

__all__ = ["smtp_server", "smtp_settings"]
