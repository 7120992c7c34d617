"""Tables. Every datetime is stored in UTC; an event keeps its IANA timezone beside it."""

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, Relationship, SQLModel


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (naive UTC text) and PostgreSQL
    (timestamptz) alike. A naive datetime is refused: it would be a guess about its zone."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware one is needed")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class StrEnumType(TypeDecorator[StrEnum]):
    """A StrEnum stored as its plain value (a short VARCHAR, no database enum type to migrate)
    and read back as the enum, so what a row holds matches the model's annotation."""

    impl = sa.String(16)
    cache_ok = True

    def __init__(self, enum: type[StrEnum]) -> None:
        super().__init__()
        self.enum = enum

    def process_bind_param(self, value: str | None, dialect: sa.Dialect) -> str | None:
        return None if value is None else str(self.enum(value))

    def process_result_value(self, value: str | None, dialect: sa.Dialect) -> StrEnum | None:
        return None if value is None else self.enum(value)


def _utc_column(*, nullable: bool = False, index: bool = False) -> Any:
    return Field(
        default=None if nullable else ...,
        sa_type=UTCDateTime,
        nullable=nullable,
        index=index,
    )


# The most guests an event may let one registration bring (Event.max_guests).
MAX_GUESTS = 20


def new_event_uid() -> str:
    return f"{uuid.uuid4()}@events-app"


class EventFormat(StrEnum):
    in_person = "in_person"
    online = "online"
    hybrid = "hybrid"


class EventStatus(StrEnum):
    draft = "draft"
    published = "published"
    cancelled = "cancelled"
    postponed = "postponed"


class EventCategory(SQLModel, table=True):
    __tablename__ = "event_category"
    event_id: int = Field(foreign_key="event.id", primary_key=True, ondelete="CASCADE")
    category_id: int = Field(
        foreign_key="category.id", primary_key=True, ondelete="CASCADE", index=True
    )


class ArticleCategory(SQLModel, table=True):
    __tablename__ = "article_category"
    article_id: int = Field(foreign_key="article.id", primary_key=True, ondelete="CASCADE")
    category_id: int = Field(
        foreign_key="category.id", primary_key=True, ondelete="CASCADE", index=True
    )


class EventArticle(SQLModel, table=True):
    __tablename__ = "event_article"
    event_id: int = Field(foreign_key="event.id", primary_key=True, ondelete="CASCADE")
    article_id: int = Field(
        foreign_key="article.id", primary_key=True, ondelete="CASCADE", index=True
    )


class Category(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True)
    name: str = Field(max_length=120)

    events: list["Event"] = Relationship(back_populates="categories", link_model=EventCategory)
    articles: list["Article"] = Relationship(
        back_populates="categories", link_model=ArticleCategory
    )


class Article(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True)
    title: str = Field(max_length=200)
    summary: str = Field(default="", max_length=1000)
    body: str = Field(default="", sa_type=sa.Text)
    # The body rendered when it was saved (events_app/markdown.py `render`): what pages show.
    body_html: str = Field(default="", sa_type=sa.Text)
    body_text: str = Field(default="", sa_type=sa.Text)
    author: str = Field(default="", max_length=200)
    published_at: datetime = _utc_column(index=True)
    # The cover image: its key in the media directory (events_app/images/variants.py), or "",
    # and the text that stands for it (alt). Server defaults: added by migration 0011.
    image: str = Field(default="", max_length=80, sa_column_kwargs={"server_default": ""})
    image_alt: str = Field(default="", max_length=300, sa_column_kwargs={"server_default": ""})
    created_at: datetime = _utc_column()
    updated_at: datetime = _utc_column()

    categories: list["Category"] = Relationship(
        back_populates="articles", link_model=ArticleCategory
    )
    events: list["Event"] = Relationship(back_populates="articles", link_model=EventArticle)


class Event(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(default_factory=new_event_uid, max_length=120, unique=True)
    slug: str = Field(max_length=120, unique=True)
    title: str = Field(max_length=200)
    summary: str = Field(default="", max_length=1000)
    description: str = Field(default="", sa_type=sa.Text)
    # The description rendered when it was saved (events_app/markdown.py `render`).
    description_html: str = Field(default="", sa_type=sa.Text)
    description_text: str = Field(default="", sa_type=sa.Text)
    starts_at: datetime = _utc_column(index=True)
    ends_at: datetime = _utc_column(index=True)
    timezone: str = Field(max_length=64)
    all_day: bool = False
    venue: str = Field(default="", max_length=200)
    address: str = Field(default="", max_length=500)
    online_url: str = Field(default="", max_length=500)
    latitude: float | None = None
    longitude: float | None = None
    format: EventFormat = Field(default=EventFormat.in_person, sa_type=StrEnumType(EventFormat))
    capacity: int | None = Field(default=None, ge=0)
    registration_opens_at: datetime | None = _utc_column(nullable=True)
    registration_closes_at: datetime | None = _utc_column(nullable=True)
    status: EventStatus = Field(
        default=EventStatus.draft, sa_type=StrEnumType(EventStatus), index=True
    )
    status_reason: str = Field(default="", max_length=1000)
    publish_at: datetime | None = _utc_column(nullable=True)
    organizer: str = Field(default="", max_length=200)
    sequence: int = 0
    # The cover image: its key in the media directory (events_app/images/variants.py), or "",
    # and the text that stands for it (alt). Server defaults: added by migration 0011.
    image: str = Field(default="", max_length=80, sa_column_kwargs={"server_default": ""})
    image_alt: str = Field(default="", max_length=300, sa_column_kwargs={"server_default": ""})
    # Hours before the start at which confirmed attendees get a reminder; None or 0: none.
    reminder_hours: int | None = Field(default=24, ge=0)
    # Registrations wait for an organiser's approval (registration/approval.py) before they
    # get a seat or a place on the waitlist. Server defaults: added by migration 0014.
    approval_required: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    # How many guests one registration may bring; a party takes 1 + guests seats, together.
    max_guests: int = Field(default=0, ge=0, sa_column_kwargs={"server_default": "0"})
    # When it was cancelled: public feeds keep a cancelled event for a while after this, so
    # that subscribed calendars see STATUS:CANCELLED instead of the event silently vanishing.
    cancelled_at: datetime | None = _utc_column(nullable=True)
    # The registration form's own questions, in order: a list of events/questions.py
    # Question records (key, label, kind, required, help, choices). Added by migration 0013.
    questions: list[dict[str, Any]] = Field(
        default_factory=list, sa_type=sa.JSON, sa_column_kwargs={"server_default": "[]"}
    )
    created_at: datetime = _utc_column()
    updated_at: datetime = _utc_column()

    categories: list["Category"] = Relationship(back_populates="events", link_model=EventCategory)
    articles: list["Article"] = Relationship(back_populates="events", link_model=EventArticle)


class SiteState(SQLModel, table=True):
    """A single row whose version rises with every change to public content; page caches in
    every process compare against it instead of guessing."""

    __tablename__ = "site_state"
    id: int = Field(default=1, primary_key=True)
    content_version: int = 0
    # Rises only with changes a calendar feed shows (events, articles, categories), not with
    # registrations, so that feed bytes survive the seat counts changing.
    calendar_version: int = 0
    calendar_changed_at: datetime | None = _utc_column(nullable=True)


class RegistrationStatus(StrEnum):
    pending = "pending"  # waiting for the email confirmation; may hold a seat until it expires
    confirmed = "confirmed"
    waitlisted = "waitlisted"
    cancelled = "cancelled"
    expired = "expired"  # never confirmed within the hold time
    attended = "attended"
    # Confirmed by email, waiting for an organiser: no seat, not on the waitlist.
    awaiting = "awaiting"
    declined = "declined"  # an organiser said no (registration/approval.py)


# One of these per (event, email) at a time; the partial unique index below enforces it.
ACTIVE_STATUSES = (
    RegistrationStatus.pending,
    RegistrationStatus.confirmed,
    RegistrationStatus.waitlisted,
    RegistrationStatus.attended,
    RegistrationStatus.awaiting,
)
ACTIVE_WHERE = "status IN ('pending', 'confirmed', 'waitlisted', 'attended', 'awaiting')"


class Registration(SQLModel, table=True):
    __table_args__ = (
        sa.Index(
            "uq_registration_active_email",
            "event_id",
            "email_key",
            unique=True,
            sqlite_where=sa.text(ACTIVE_WHERE),
            postgresql_where=sa.text(ACTIVE_WHERE),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=200)
    email: str = Field(max_length=320)
    email_key: str = Field(max_length=320, index=True)  # normalised: "the same address"
    organisation: str = Field(default="", max_length=200)
    status: RegistrationStatus = Field(sa_type=StrEnumType(RegistrationStatus), index=True)
    token_nonce: str = Field(max_length=32)  # see events_app/registration/tokens.py
    token_hash: str = Field(max_length=64, unique=True)  # SHA-256 of the manage token
    holds_seat: bool = False  # a pending registration that took a seat while one was free
    hold_expires_at: datetime | None = _utc_column(nullable=True)
    consent_at: datetime = _utc_column()
    link_sent_at: datetime = _utc_column()  # last email with a fresh link: limits re-sends
    created_at: datetime = _utc_column()
    updated_at: datetime = _utc_column()
    confirmed_at: datetime | None = _utc_column(nullable=True)  # waitlist order: this, then id
    cancelled_at: datetime | None = _utc_column(nullable=True)
    # When the reminder was dealt with: written in the transaction that queued it (or decided
    # that none was needed), so that no worker, however many run, sends a second one.
    reminder_sent_at: datetime | None = _utc_column(nullable=True)
    # What the attendee shows at the door (see registration/checkin_codes.py): unique across
    # all events, and no key to anything but the check-in list.
    checkin_code: str = Field(max_length=12, unique=True, index=True)
    checked_in_at: datetime | None = _utc_column(nullable=True)  # when marked attended
    # The six-digit confirmation code is derived from this and the secret key, never stored
    # (registration/confirmation_codes.py); empty: no code. Wrong tries at the current code.
    code_nonce: str = Field(default="", max_length=32, sa_column_kwargs={"server_default": ""})
    code_attempts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # The answers to the event's questions, each with the question as it was asked (key,
    # label, kind, value: registration/answers.py), so that they stay readable after the
    # question is changed or removed. Added by migration 0013.
    answers: list[dict[str, Any]] = Field(
        default_factory=list, sa_type=sa.JSON, sa_column_kwargs={"server_default": "[]"}
    )
    # People coming with the attendee (at most the event's max_guests): the party takes
    # 1 + guests seats, and is seated, waitlisted and checked in as one.
    guests: int = Field(default=0, ge=0, sa_column_kwargs={"server_default": "0"})


class OutboxStatus(StrEnum):
    pending = "pending"
    sent = "sent"
    failed = "failed"


class OutboxMessage(SQLModel, table=True):
    """An email waiting to be sent, written in the same transaction as the change that
    causes it, so that a crash can neither lose it nor (short of a crash mid-send) double it."""

    __tablename__ = "outbox_message"

    id: int | None = Field(default=None, primary_key=True)
    message_id: str = Field(max_length=200, unique=True)  # the stable Message-ID header
    kind: str = Field(max_length=40, index=True)
    registration_id: int | None = Field(
        default=None, foreign_key="registration.id", index=True, ondelete="SET NULL"
    )
    to_address: str = Field(max_length=320)
    subject: str = Field(max_length=300)
    text_body: str = Field(sa_type=sa.Text)
    html_body: str = Field(default="", sa_type=sa.Text)
    attachments: str = Field(default="[]", sa_type=sa.Text)  # JSON list of attachments
    # JSON: what the mail worker needs to write the bodies when it sends the email
    # (mail/deferred.py); empty once they are written, and for emails written at once.
    composition: str = Field(default="", sa_type=sa.Text, sa_column_kwargs={"server_default": ""})
    status: OutboxStatus = Field(
        default=OutboxStatus.pending, sa_type=StrEnumType(OutboxStatus), index=True
    )
    attempts: int = 0
    next_attempt_at: datetime = _utc_column(index=True)
    locked_until: datetime | None = _utc_column(nullable=True)  # a worker's claim
    last_error: str = Field(default="", sa_type=sa.Text)
    created_at: datetime = _utc_column()
    sent_at: datetime | None = _utc_column(nullable=True)


class AttendeeMessage(SQLModel, table=True):
    """One message an organiser sent to an event's attendees (one email each, through the
    outbox). Counted to limit how often an event's attendees can be written to."""

    __tablename__ = "attendee_message"

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    sender_id: int | None = Field(
        default=None, foreign_key="admin_user.id", index=True, ondelete="SET NULL"
    )
    sender_email: str = Field(default="", max_length=320)
    audience: str = Field(max_length=40)  # "confirmed", "waitlisted" or "confirmed,waitlisted"
    subject: str = Field(max_length=200)
    body: str = Field(sa_type=sa.Text)
    recipients: int = 0
    created_at: datetime = _utc_column(index=True)


class UserRole(StrEnum):
    admin = "admin"  # everything, including users and the audit log
    editor = "editor"  # events, articles and registrations; not users, not the audit log


class User(SQLModel, table=True):
    """Someone who signs in to the back office. Raising `session_version` ends every session
    signed before (the cookie carries the version it was issued at)."""

    __tablename__ = "admin_user"  # "user" is a reserved word in PostgreSQL

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, unique=True)  # normalised and lower case
    name: str = Field(default="", max_length=200)
    role: UserRole = Field(default=UserRole.editor, sa_type=StrEnumType(UserRole))
    password_hash: str = Field(max_length=200)  # argon2id, with its parameters
    session_version: int = 0
    active: bool = True
    created_at: datetime = _utc_column()
    updated_at: datetime = _utc_column()
    last_login_at: datetime | None = _utc_column(nullable=True)


class AuditEntry(SQLModel, table=True):
    """One change made in the back office or from the command line (actor_id None). The
    actor's email is copied so the entry still says who even if the account changes."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _utc_column(index=True)
    actor_id: int | None = Field(
        default=None, foreign_key="admin_user.id", index=True, ondelete="SET NULL"
    )
    actor_email: str = Field(default="", max_length=320)
    action: str = Field(max_length=60, index=True)
    target_type: str = Field(max_length=40, index=True)
    target_id: str = Field(default="", max_length=64)
    target_label: str = Field(default="", max_length=300)
    before: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    after: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)


class LoginThrottle(SQLModel, table=True):
    """Failed sign-ins counted per (account, client address) and per client address (see
    admin/throttle.py).
    The key is a hash, so typed addresses and client addresses are not kept in clear."""

    __tablename__ = "login_throttle"

    key: str = Field(primary_key=True, max_length=64)
    failures: int = 0
    last_failed_at: datetime = _utc_column(index=True)
    blocked_until: datetime | None = _utc_column(nullable=True)


class CheckinDevice(SQLModel, table=True):
    """A phone or tablet checking people in at an event's door, as it names itself when it
    syncs (registration/door_sync.py): when it last reached the server, and how many
    check-ins it said it still held, so the organiser sees which device is behind."""

    __tablename__ = "checkin_device"
    __table_args__ = (sa.UniqueConstraint("event_id", "device_key"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    device_key: str = Field(max_length=64)  # random, made by the device once
    name: str = Field(default="", max_length=60)
    first_seen_at: datetime = _utc_column()
    last_sync_at: datetime = _utc_column()
    pending: int = 0  # check-ins the device still held after its last sync


class CheckinScan(SQLModel, table=True):
    """One check-in made on a device, by the id the device gave it: sent again (a lost
    answer, a retried batch), it is answered as the first time and changes nothing."""

    __tablename__ = "checkin_scan"
    __table_args__ = (sa.UniqueConstraint("event_id", "client_id"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    device_id: int = Field(foreign_key="checkin_device.id", index=True, ondelete="CASCADE")
    client_id: str = Field(max_length=64)
    registration_id: int | None = Field(
        default=None, foreign_key="registration.id", index=True, ondelete="SET NULL"
    )
    code: str = Field(max_length=12)  # as normalised; empty when it was not a code
    scanned_at: datetime = _utc_column()  # on the device's clock, bounded by the server's
    received_at: datetime = _utc_column()
    outcome: str = Field(max_length=20)
