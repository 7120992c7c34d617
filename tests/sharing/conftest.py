"""The real SMTP server of the mail tests, for the end-to-end test of sharing."""

from tests.support.smtp import smtp_server, smtp_settings

__all__ = ["smtp_server", "smtp_settings"]
