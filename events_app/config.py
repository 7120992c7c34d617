"""Settings read from environment variables with the EVENTS_ prefix.

One Settings object is built at start-up and handed to create_app(); nothing reads the
environment after that, so tests build their own Settings without touching os.environ.
"""

from __future__ import annotations

import secrets
from enum import StrEnum
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

VAR_DIR = Path("var")


class Environment(StrEnum):
    development = "development"
    production = "production"
    test = "test"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EVENTS_", extra="ignore")

    env: Environment = Environment.development
    database_url: str = Field(default=f"sqlite:///{VAR_DIR}/events.db")
    secret_key: str = ""
    base_url: str = "http://127.0.0.1:8000"
    timezone: str = "UTC"
    allowed_hosts: list[str] = Field(default_factory=lambda: ["127.0.0.1", "localhost"])
    site_name: str = "Events"
    # The currency of the (free) offer in an event's schema.org data: search engines want one.
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")
    language: str = "en"
    page_cache: bool = True
    page_cache_check_seconds: float = 1.0
    page_size: int = Field(default=20, ge=1, le=200)
    feed_max_events: int = Field(default=1000, ge=1, le=5000)
    log_level: str = "INFO"
    hold_minutes: int = Field(default=60, ge=1, le=7 * 24 * 60)
    # Email: the outbox is sent by a worker, in `serve` itself or as `events-app worker`.
    mail_backend: Literal["smtp", "file", "console"] = "file"
    mail_dir: Path = VAR_DIR / "mail"
    mail_from: str = "Events <events@localhost>"
    mail_in_process: bool = True
    mail_poll_seconds: float = Field(default=2.0, gt=0, le=300)
    mail_max_attempts: int = Field(default=8, ge=1, le=100)
    smtp_host: str = "localhost"
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_security: Literal["none", "starttls", "tls"] = "none"
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_timeout_seconds: float = Field(default=30.0, gt=0)
    # Abuse controls on public forms.
    redis_url: str = ""
    rate_limit_enabled: bool = True
    rate_limit_register: str = "10/hour;50/day"
    # "Send this to a friend": per client address, per recipient address, and for the whole
    # site per day, so the form cannot be turned into a spam relay.
    rate_limit_share: str = "5/hour;20/day"
    rate_limit_share_recipient: str = "2/day"
    rate_limit_share_daily: str = "500/day"
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    # The JSON API: which origins' pages may read it, and which may POST registrations to it
    # from a browser ("*" for any). Reading is open by default; cross-origin posting is not.
    api_cors_origins: list[str] = Field(default_factory=lambda: ["*"])
    api_cors_post_origins: list[str] = Field(default_factory=list)
    # The back office: how long a sign-in lasts, and the longest wait after failed sign-ins
    # (at most an hour: admin/throttle.py forgets failures an hour after the last one).
    admin_session_hours: int = Field(default=12, ge=1, le=30 * 24)
    admin_login_max_delay_seconds: int = Field(default=900, ge=1, le=3600)
    # Messages organisers may send to one event's attendees in any hour (counted in the
    # database, so the limit holds across processes).
    admin_messages_per_hour: int = Field(default=3, ge=1, le=100)
    # Test-only: count seats without taking the event's lock, to prove that the concurrency
    # tests catch overbooking. Never set it in production.
    unsafe_skip_capacity_lock: bool = False

    @field_validator("base_url")
    @classmethod
    def _strip_trailing_slash(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("EVENTS_BASE_URL must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"EVENTS_TIMEZONE {value!r} is not an IANA timezone name") from exc
        return value

    @model_validator(mode="after")
    def _secret_key_for_production(self) -> Settings:
        if self.env is Environment.production and len(self.secret_key) < 32:
            raise ValueError("EVENTS_SECRET_KEY is required in production (at least 32 characters)")
        return self

    @property
    def is_development(self) -> bool:
        return self.env is Environment.development

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def uses_https(self) -> bool:
        return self.base_url.startswith("https://")


def load_settings(**overrides: object) -> Settings:
    """Build Settings from the environment; outside production, keep a generated secret key
    under ./var/ so that signed values survive restarts."""
    settings = Settings(**overrides)  # type: ignore[arg-type]
    if not settings.secret_key:
        settings.secret_key = _development_secret_key(VAR_DIR / "secret_key")
    return settings


def _development_secret_key(path: Path) -> str:
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key + "\n")
    path.chmod(0o600)
    return key
