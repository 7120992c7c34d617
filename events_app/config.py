"""Settings read from environment variables with the EVENTS_ prefix.

One Settings object is built at start-up and handed to create_app(); nothing reads the
environment after that, so tests build their own Settings without touching os.environ.
"""

from __future__ import annotations

import json
import re
import secrets
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from argon2.profiles import RFC_9106_LOW_MEMORY
from babel import Locale, UnknownLocaleError
from limits import parse_many
from pydantic import BeforeValidator, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

VAR_DIR = Path("var")


class Environment(StrEnum):
    development = "development"
    production = "production"
    test = "test"


def _comma_or_json_list(value: object) -> object:
    """A list setting from the environment: a JSON list (`["a", "b"]`) or, as most people
    type it, comma-separated (`a,b`); empty is the empty list."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text.startswith("["):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not a JSON list ({exc.msg} at character {exc.pos})") from exc
    return [item.strip() for item in text.split(",") if item.strip()]


# NoDecode: pydantic-settings would otherwise insist on JSON and fail with a traceback.
StrList = Annotated[list[str], NoDecode, BeforeValidator(_comma_or_json_list)]
LIST_HELP = " A JSON list or comma-separated."


class Settings(BaseSettings):
    """Every setting is an environment variable: `EVENTS_` and the field's name in capitals.
    Each has a description, from which docs/hooks.py writes the settings reference."""

    model_config = SettingsConfigDict(env_prefix="EVENTS_", extra="ignore")

    env: Environment = Field(
        default=Environment.development,
        description="`development`, `production` or `test`. Development shows tracebacks on "
        "errors and reloads templates; production requires `EVENTS_SECRET_KEY`.",
    )
    database_url: str = Field(
        default=f"sqlite:///{VAR_DIR}/events.db",
        description="SQLAlchemy URL. A SQLite file (WAL mode) by default; "
        "`postgresql+psycopg://user:password@host/dbname` for PostgreSQL.",
    )
    # How each process talks to the database: connection pool, timeouts, keepalives. Sizing
    # and what the 503s mean are in docs/operations.md.
    database_pool_size: int = Field(
        default=5,
        ge=1,
        le=200,
        description="PostgreSQL connections each process keeps open. Every process may hold "
        "up to pool size + overflow: keep processes × (pool size + overflow) below the "
        "server's `max_connections` (see [Operations](../operations.md)).",
    )
    database_max_overflow: int = Field(
        default=10,
        ge=0,
        le=200,
        description="Extra PostgreSQL connections a process may open under load, closed again "
        "when returned.",
    )
    database_pool_timeout_seconds: float = Field(
        default=5.0,
        gt=0,
        le=300,
        description="How long a request waits for a free connection before it answers 503 "
        "with `Retry-After`.",
    )
    database_connect_timeout_seconds: int = Field(
        default=5,
        ge=2,
        le=300,
        description="Give up opening a PostgreSQL connection after this long (libpq's "
        "`connect_timeout`; at least 2).",
    )
    database_statement_timeout_seconds: float = Field(
        default=15.0,
        gt=0,
        le=3600,
        description="PostgreSQL cancels any statement that runs longer (`statement_timeout`, "
        "set on every connection); the request answers 503. The app gives up 2 s later by "
        "itself when the server does not answer at all.",
    )
    database_keepalive_seconds: int = Field(
        default=30,
        ge=1,
        le=7200,
        description="Idle seconds before TCP keepalive probes check a PostgreSQL connection, "
        "so a connection to a vanished server is noticed and dropped.",
    )
    database_lock_timeout_seconds: float = Field(
        default=5.0,
        gt=0,
        le=300,
        description="How long a write waits for SQLite's write lock (held by an import, say) "
        "before the request answers 503 with `Retry-After`. On PostgreSQL a write waits for "
        "its place as long as for a pooled connection (`EVENTS_DATABASE_POOL_TIMEOUT_SECONDS`).",
    )
    secret_key: str = Field(
        default="",
        description="Key for signed values. Required (32+ characters) when "
        "`EVENTS_ENV=production`; in development one is generated once and kept in "
        "`var/secret_key`.",
        json_schema_extra={"shown_default": "generated"},
    )
    base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="The public address of the site. Every absolute link in pages and emails "
        "is built from it, never from the request's Host header. An `https://` base URL turns "
        "on HSTS.",
    )
    timezone: str = Field(
        default="UTC",
        description="The site's default IANA timezone: the month view and the `from`/`to` "
        "filters use it. Each event keeps its own timezone for its times.",
    )
    allowed_hosts: StrList = Field(
        default_factory=lambda: ["127.0.0.1", "localhost"],
        description="Host names the site answers (the host of `EVENTS_BASE_URL` is always "
        "added). Other hosts get 400." + LIST_HELP,
    )
    site_name: str = Field(
        default="Events", description="Name shown in the header and page titles."
    )
    # The site's look: the news site's brand on top of the built-in palette. The accent is
    # turned into a small generated stylesheet (web/theme.py), never inline styles, so the
    # CSP keeps `style-src 'self'`.
    site_logo: str = Field(
        default="",
        description="An image shown in the header instead of the site name as text (which "
        "becomes its alternative text): a path on this site (`/static/...` or another path "
        "starting with `/`) or an `https://` URL, whose origin is then allowed by the "
        "Content-Security-Policy's `img-src`. Empty shows the site name.",
    )
    accent_color: str = Field(
        default="",
        description="The brand colour of the header, buttons and links, as `#RRGGBB`. Links "
        "and the text on it are adjusted for WCAG AA contrast in light and dark mode. Empty "
        "keeps the built-in blue (`#0b4f6c`).",
    )
    home_url: str = Field(
        default="",
        description="The main (news) site: the header links back to it, "
        '"← Back to" `EVENTS_HOME_NAME`. An `http://` or `https://` URL; empty shows no link.',
    )
    home_name: str = Field(
        default="",
        description="The name of the main site in that link; empty uses the host name of "
        "`EVENTS_HOME_URL`.",
    )
    currency: str = Field(
        default="EUR",
        pattern=r"^[A-Z]{3}$",
        description="ISO 4217 code of the (free, price 0) offer in each event's schema.org "
        "data, which search engines want named.",
    )
    language: str = Field(
        default="en",
        description="Language of the interface (a Babel catalogue under `events_app/locale/`).",
    )
    page_cache: bool = Field(
        default=True,
        description="Keep rendered public pages in memory and serve them until the content "
        "changes (see [Design](../developers/design.md)). `false` renders every request.",
    )
    page_cache_check_seconds: float = Field(
        default=1.0,
        ge=0,
        description="How often each process asks the database whether content changed (and "
        "how many seats are left at the events whose pages it holds); a change made by another "
        "process shows within this delay. `0` checks on every request.",
    )
    page_cache_stale_seconds: float = Field(
        default=300.0,
        ge=0,
        description="When the database cannot be reached, cached pages are served as they "
        "are for at most this long after their last confirmation; what the cache cannot "
        "serve answers 503. `0` serves nothing stale.",
    )
    page_size: int = Field(
        default=20, ge=1, le=200, description="Events or articles per listing page (1–200)."
    )
    feed_max_events: int = Field(
        default=1000,
        ge=1,
        le=5000,
        description="Most events in one calendar feed (1–5000), nearest first; a feed also "
        "stops before 900 kB.",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(
        default="INFO",
        description="Python logging level: `DEBUG`, `INFO`, `WARNING`, `ERROR` or `CRITICAL`.",
    )
    hold_minutes: int = Field(
        default=60,
        ge=1,
        le=7 * 24 * 60,
        description="How long a registration waiting for its email confirmation holds its "
        "seat; unconfirmed after that, the seat goes back (and to the waitlist).",
    )
    # Email: the outbox is sent by a worker, in `serve` itself or as `events-app worker`.
    mail_backend: Literal["smtp", "file", "console"] = Field(
        default="file",
        description="`smtp`, `file` (one `.eml` file per message in `EVENTS_MAIL_DIR`, the "
        "development default) or `console` (printed to the log).",
    )
    mail_dir: Path = Field(default=VAR_DIR / "mail", description="Where the `file` backend writes.")
    mail_from: str = Field(
        default="Events <events@localhost>", description="The From address of every email."
    )
    mail_in_process: bool = Field(
        default=True,
        description="`serve` sends the outbox itself, in the background (right for one "
        "process). Set `false` when `events-app worker` runs separately.",
    )
    mail_poll_seconds: float = Field(
        default=2.0,
        gt=0,
        le=300,
        description="How often the sender looks for new messages.",
    )
    mail_pass_budget_seconds: float = Field(
        default=60.0,
        gt=0,
        description="A delivery pass stops taking new messages after this long and hands the "
        "rest back for the next pass, so a hanging SMTP server holds one pass for at most this "
        "plus one `EVENTS_SMTP_TIMEOUT_SECONDS`.",
    )
    housekeeping_seconds: float = Field(
        default=2.0,
        gt=0,
        le=300,
        description="How often the worker expires unconfirmed seat holds (promoting the "
        "waitlist) and queues due reminders. It runs on its own schedule, beside mail "
        "delivery, so a slow mail server never delays a seat going back.",
    )
    mail_max_attempts: int = Field(
        default=8,
        ge=1,
        le=100,
        description="Tries per message (with growing delays between them) before it is "
        "marked failed.",
    )
    smtp_host: str = Field(default="localhost", description="SMTP server.")
    smtp_port: int = Field(
        default=25,
        ge=1,
        le=65535,
        description="SMTP port (usually 587 with `starttls`, 465 with `tls`).",
    )
    smtp_security: Literal["none", "starttls", "tls"] = Field(
        default="none", description="`none`, `starttls` or `tls` (implicit TLS)."
    )
    smtp_username: str = Field(default="", description="SMTP login, when the server wants one.")
    smtp_password: str = Field(default="", description="SMTP password.")
    smtp_timeout_seconds: float = Field(
        default=30.0,
        gt=0,
        description="Give up on an SMTP conversation after this long (the message is retried "
        "later).",
    )
    # Abuse controls on public forms.
    redis_url: str = Field(
        default="",
        description="e.g. `redis://127.0.0.1:6379/0`. When set, rate limits are counted in "
        "Redis and shared by every process; otherwise in each process's memory.",
    )
    redis_timeout_seconds: float = Field(
        default=0.3,
        gt=0,
        le=10,
        description="Connect and read timeout for Redis. When Redis fails or does not answer "
        "in time, rate-limited forms are allowed through uncounted (fail open).",
    )
    redis_breaker_seconds: float = Field(
        default=10.0,
        ge=0,
        le=600,
        description="After a Redis failure, rate limits are not asked of Redis for this long "
        "(attempts are allowed), so an outage costs one timeout, not one per request.",
    )
    rate_limit_enabled: bool = Field(
        default=True,
        description="`false` switches every rate limit off (for load tests behind a trusted "
        "proxy).",
    )
    rate_limit_register: str = Field(
        default="10/hour;50/day",
        description="Registrations per client address (the `limits` library's notation, "
        "e.g. `10/hour;50/day`; empty for none).",
    )
    # "Send this to a friend": per client address, per recipient address, and for the whole
    # site per day, so the form cannot be turned into a spam relay.
    rate_limit_share: str = Field(
        default="5/hour;20/day",
        description='"Send this to a friend" emails per client address.',
    )
    rate_limit_share_recipient: str = Field(
        default="2/day",
        description='"Send this to a friend" emails to one recipient address, whoever sends them.',
    )
    rate_limit_share_daily: str = Field(
        default="500/day",
        description='"Send this to a friend" emails from the whole site: a ceiling that '
        "holds however many addresses a sender has.",
    )
    registration_emails_per_address_hour: int = Field(
        default=5,
        ge=1,
        le=1000,
        description="Confirmation and manage-link emails one address may be sent in any hour, "
        "across every event and client address (1 to 1000). Counted in the database, so "
        "every process shares it; past it, the form answers as usual and sends nothing.",
    )
    registration_answer_ms: int = Field(
        default=150,
        ge=0,
        le=5000,
        description="The registration form and API answer this many milliseconds after the "
        "request began (0 to 5000), whether the address was new or already registered, so "
        "the answer's timing does not tell which. Keep it above the slowest registration "
        "under normal load.",
    )
    max_body_bytes: int = Field(
        default=512 * 1024,
        ge=1024,
        description="Larger request bodies are refused with 413 before they are parsed. The "
        "default takes the longest valid registration form (an event's 20 questions each "
        "answered with 2,000 characters of Chinese, nine bytes each in a form: about 360 kB), "
        "so that an over-long answer comes back as a message beside its field, with the "
        "form kept, instead of a 413 that loses the form.",
    )
    max_admin_body_bytes: int = Field(
        default=12 * 1024 * 1024,
        ge=1024,
        description="The same limit for the back office (`/admin/`), whose forms carry the "
        "longest texts and the cover image: an article body may hold 200,000 characters, and "
        "a Chinese character takes nine bytes in a form. Keep it at least 4 MiB above "
        "EVENTS_MAX_IMAGE_BYTES; the default takes the longest valid article in Chinese "
        "with an image of the largest size.",
    )
    media_dir: Path = Field(
        default=VAR_DIR / "media",
        description="Where cover images are stored (their variants, served under `/media/`). "
        "Every node that serves the site must see the same directory (shared storage), and "
        "backups must include it.",
    )
    max_image_bytes: int = Field(
        default=8 * 1024 * 1024,
        ge=1024,
        description="The largest cover image accepted, in bytes (uploads and the import).",
    )
    max_image_pixels: int = Field(
        default=40_000_000,
        ge=10_000,
        description="The most pixels (width × height) a cover image may declare; larger "
        "ones are refused before they are decoded (a decompression bomb).",
    )
    image_fetch_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        le=120,
        description="How long the import waits for an image given by URL.",
    )
    image_fetch_private: bool = Field(
        default=False,
        description="Whether the import may fetch images from loopback and private "
        "addresses. Off by default, so an import file cannot make the server read its own "
        "network; tests and closed networks turn it on.",
    )
    # The JSON API: which origins' pages may read it, and which may POST registrations to it
    # from a browser ("*" for any). Reading is open by default; cross-origin posting is not.
    api_cors_origins: StrList = Field(
        default_factory=lambda: ["*"],
        description="Origins whose pages may read the JSON API (GET); `*` for any." + LIST_HELP,
    )
    hsts_include_subdomains: bool = Field(
        default=False,
        description="Add `includeSubDomains` to the Strict-Transport-Security header (sent "
        "when EVENTS_BASE_URL is https): every subdomain of the site's host must then be "
        "served over HTTPS too. Leave off unless they all are.",
    )
    api_cors_post_origins: StrList = Field(
        default_factory=list,
        description="Origins whose pages may post registrations to the JSON API from a "
        "browser (the CORS preflight is refused for others)." + LIST_HELP,
    )
    csrf_trusted_origins: StrList = Field(
        default_factory=list,
        description="Origins (`https://host[:port]`, no path) besides the site's own whose "
        "pages may post its forms, such as a sibling subdomain's landing page. Other "
        "cross-site and same-site form posts are refused (403), however the browser marks "
        "them (`Sec-Fetch-Site`, `Origin`); see [Security](../security.md)." + LIST_HELP,
    )
    # The back office: how long a sign-in lasts, and the longest wait after failed sign-ins
    # (at most an hour: admin/throttle.py forgets failures an hour after the last one).
    admin_session_hours: int = Field(
        default=12,
        ge=1,
        le=30 * 24,
        description="How long a back-office sign-in lasts (1 to 720). After that the user "
        "signs in again, whatever they were doing.",
    )
    admin_login_max_delay_seconds: int = Field(
        default=900,
        ge=1,
        le=3600,
        description="The longest wait imposed after repeated failed sign-ins (1 to 3600; see "
        "[the back office](../organisers/back-office.md)).",
    )
    # How hard argon2id works per password hash. The defaults are RFC 9106's "low memory"
    # profile (argon2-cffi's own default); hashes made with other parameters are made again
    # with these at their owner's next sign-in. The test suite sets the minimum (1, 8, 1).
    password_hash_time_cost: int = Field(
        default=RFC_9106_LOW_MEMORY.time_cost,
        ge=1,
        description="argon2id passes over memory for each back-office password hash (at least "
        "1). With the memory and parallelism below it sets how long a sign-in takes: about a "
        "tenth of a second with the defaults. Existing hashes are upgraded at the next sign-in.",
    )
    password_hash_memory_kib: int = Field(
        default=RFC_9106_LOW_MEMORY.memory_cost,
        ge=8,
        description="Memory in KiB that argon2id fills for each password hash (at least 8; "
        "default 64 MiB, RFC 9106's low-memory profile). Lower it only on a machine that "
        "cannot spare it, and raise the time cost to make up.",
    )
    password_hash_parallelism: int = Field(
        default=RFC_9106_LOW_MEMORY.parallelism,
        ge=1,
        le=255,
        description="Lanes argon2id computes each password hash in (1 to 255; the memory must "
        "be at least 8 KiB per lane).",
    )
    # Messages organisers may send to one event's attendees in any hour (counted in the
    # database, so the limit holds across processes).
    admin_messages_per_hour: int = Field(
        default=3,
        ge=1,
        le=100,
        description="How many messages organisers may send to one event's attendees in any "
        "hour (1 to 100). Counted in the database, so every process shares the limit.",
    )

    # The checks below refuse at start-up what would otherwise fail later, deep inside a
    # request or a library, with a traceback. Their messages do not repeat the variable's
    # name: `events-app` prints it before each one (cli.py).
    @field_validator("base_url")
    @classmethod
    def _strip_trailing_slash(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("csrf_trusted_origins")
    @classmethod
    def _origins(cls, values: list[str]) -> list[str]:
        origins = []
        for value in values:
            parts = urlsplit(value)
            origin = f"{parts.scheme}://{parts.netloc}".lower()
            if parts.scheme not in ("http", "https") or value.lower() != origin or not parts.netloc:
                raise ValueError(f"{value!r} is not an origin such as https://www.example.org")
            origins.append(origin)
        return origins

    @field_validator("accent_color")
    @classmethod
    def _hex_colour(cls, value: str) -> str:
        text = value.strip()
        if text and not re.fullmatch(r"#[0-9a-fA-F]{6}", text):
            raise ValueError(f"{value!r} is not a colour written as #RRGGBB (e.g. #0b4f6c)")
        return text.lower()

    @field_validator("site_logo")
    @classmethod
    def _logo_address(cls, value: str) -> str:
        text = value.strip()
        if text and not _is_web_address(text) and not text.startswith("/"):
            raise ValueError(f"{value!r} is neither a path starting with / nor an http(s) URL")
        if any(char in text for char in " \"'<>;"):
            raise ValueError(f"{value!r} contains a space, quote, < > or ;")
        return text

    @field_validator("home_url")
    @classmethod
    def _home_address(cls, value: str) -> str:
        text = value.strip()
        if text and not _is_web_address(text):
            raise ValueError(f"{value!r} is not an http:// or https:// URL with a host")
        return text

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"{value!r} is not an IANA timezone name") from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        try:
            backend = make_url(value).get_backend_name()
        except ArgumentError as exc:
            raise ValueError("not a database URL (sqlite:///... or postgresql://...)") from exc
        if backend not in ("sqlite", "postgresql"):
            raise ValueError(f"{backend!r} is not supported: use SQLite or PostgreSQL")
        return value

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        try:
            Locale.parse(value)
        except (UnknownLocaleError, ValueError) as exc:
            raise ValueError(f"{value!r} is not a language Babel knows") from exc
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _log_level_in_capitals(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator(
        "rate_limit_register",
        "rate_limit_share",
        "rate_limit_share_recipient",
        "rate_limit_share_daily",
    )
    @classmethod
    def _rate_limit_notation(cls, value: str) -> str:
        if value.strip():
            try:
                parse_many(value)
            except ValueError as exc:
                raise ValueError(f"{value!r} is not a rate limit such as 10/hour;50/day") from exc
        return value

    @model_validator(mode="after")
    def _password_hash_memory_per_lane(self) -> Settings:
        if self.password_hash_memory_kib < 8 * self.password_hash_parallelism:
            raise ValueError(
                "EVENTS_PASSWORD_HASH_MEMORY_KIB must be at least 8 per lane "
                "(8 × EVENTS_PASSWORD_HASH_PARALLELISM)"
            )
        return self

    @model_validator(mode="after")
    def _secret_key_for_production(self) -> Settings:
        if self.env is Environment.production and len(self.secret_key) < 32:
            raise ValueError("EVENTS_SECRET_KEY is required in production (at least 32 characters)")
        return self

    @property
    def home_link_name(self) -> str:
        return self.home_name or (urlsplit(self.home_url).hostname or "")

    @property
    def is_development(self) -> bool:
        return self.env is Environment.development

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def uses_https(self) -> bool:
        return self.base_url.startswith("https://")


def _is_web_address(text: str) -> bool:
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


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
