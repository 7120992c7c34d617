"""Settings for tests, the moment their clocks start, and the switches the environment gives
the suite (EVENTS_TEST_POSTGRES_URL, EVENTS_TEST_STRICT)."""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from events_app.config import Settings

POSTGRES_URL = os.environ.get("EVENTS_TEST_POSTGRES_URL", "")
STRICT = os.environ.get("EVENTS_TEST_STRICT", "") == "1"
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
# Cover images the tests store: out of the working tree, one directory per test process (a
# file's name is its content's hash, so tests sharing it never see each other's changes);
# tests about the store give their own.
MEDIA_DIR = Path(tempfile.gettempdir()) / f"events-test-media-{os.getpid()}"
# Emptied between PostgreSQL tests (children before parents).
TABLES = [
    "attendee_message",
    "audit_entry",
    "login_throttle",
    "admin_user",
    "outbox_message",
    "registration",
    "event_category",
    "article_category",
    "event_article",
    "event",
    "article",
    "category",
]
# argon2id at its minimum cost: still real argon2id hashes, made in a fraction of a
# millisecond instead of a few tenths of a second per user (tests/support/passwords.py).
FAST_PASSWORD_HASHING: dict[str, object] = {
    "password_hash_time_cost": 1,
    "password_hash_memory_kib": 8,
    "password_hash_parallelism": 1,
}


def make_settings(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "env": "test",
        "database_url": database_url,
        "secret_key": "test-secret-key-" + "x" * 32,
        "base_url": "https://events.example.org",
        "allowed_hosts": ["testserver"],
        "timezone": "UTC",
        "page_cache_check_seconds": 0,
        "mail_in_process": False,
        "mail_backend": "console",
        "rate_limit_enabled": False,
        "media_dir": MEDIA_DIR,
        **FAST_PASSWORD_HASHING,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]
