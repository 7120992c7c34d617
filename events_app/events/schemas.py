"""What it takes to create or update an event or an article: one validated shape shared by
the import, the demo content and (later) the back office and the API."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from events_app import slugs
from events_app.date_range import check_range
from events_app.images.variants import KEY_PATTERN
from events_app.markdown import check_markdown
from events_app.models import MAX_GUESTS, EventFormat, EventStatus
from events_app.nulls import NullMeansEmpty
from events_app.plain_text import SINGLE_LINE_MESSAGE, PlainText, SingleLine, is_single_line
from events_app.timezones import WallClockError, day_start, localize, zone

SLUG_PATTERN = slugs.SLUG_PATTERN


def _http_url(value: str) -> str:
    if not is_single_line(value):  # NUL above all: PostgreSQL refuses it in text
        raise ValueError(SINGLE_LINE_MESSAGE)
    if value and not re.match(r"^https?://[^\s/$.?#][^\s]*$", value):
        raise ValueError("must be an http:// or https:// address")
    return value


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValueError("needs a UTC offset, for example 2026-12-08T14:00:00+08:00")
    if value is not None:
        check_range(value)
    return value.astimezone(UTC) if value is not None else None


# Text may span lines; a Line is one line (see events_app/plain_text.py for why).
Text = PlainText
Line = SingleLine
Slug = Annotated[str, Field(min_length=1, max_length=120, pattern=SLUG_PATTERN)]
Title = Annotated[Line, Field(min_length=1, max_length=200)]
AwareDatetime = Annotated[datetime | None, AfterValidator(_aware)]
Names = Annotated[list[Annotated[Line, Field(min_length=1, max_length=120)]], Field(max_length=50)]
# A cover image: its key in the media directory (images/variants.py), or "" for none; and
# its alternative text, which an image must have.
ImageKey = Annotated[str, Field(max_length=80, pattern=rf"^(?:{KEY_PATTERN})?$")]
ImageAlt = Annotated[Line, Field(max_length=300)]
ALT_MISSING = "image_alt: describe the image for people who cannot see it"


def check_alt(image: str, alt: str) -> None:
    if image and not alt.strip():
        raise ValueError(ALT_MISSING)


# Seats (None: no limit), wherever a capacity is entered: the event form, the import, and the
# registrations page's own capacity form.
Capacity = Annotated[int, Field(ge=0, le=1_000_000)]
# How long before the start confirmed attendees are reminded (0 or None: no reminder).
ReminderHours = Annotated[int, Field(ge=0, le=30 * 24)]
# How many guests one registration may bring (0: none), on the form, the import and the API.
MaxGuests = Annotated[int, Field(ge=0, le=MAX_GUESTS)]


class EventCreate(NullMeansEmpty, BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    slug: Slug
    title: Title
    summary: Annotated[Text, Field(max_length=1000)] = ""
    description: Annotated[Text, Field(max_length=50_000), AfterValidator(check_markdown)] = ""
    starts_at: datetime | date
    ends_at: datetime | date
    timezone: Annotated[str, Field(min_length=1, max_length=64)]
    all_day: bool = False
    venue: Annotated[Line, Field(max_length=200)] = ""
    address: Annotated[Line, Field(max_length=500)] = ""
    online_url: Annotated[str, Field(max_length=500), AfterValidator(_http_url)] = ""
    latitude: Annotated[float, Field(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180)] | None = None
    format: EventFormat = EventFormat.in_person
    capacity: Capacity | None = None
    registration_opens_at: AwareDatetime = None
    registration_closes_at: AwareDatetime = None
    status: EventStatus = EventStatus.draft
    status_reason: Annotated[Text, Field(max_length=1000)] = ""
    publish_at: AwareDatetime = None
    organizer: Annotated[Line, Field(max_length=200)] = ""
    reminder_hours: ReminderHours | None = 24
    # Registrations wait for an organiser's approval (registration/approval.py).
    approval_required: bool = False
    max_guests: MaxGuests = 0
    categories: Names = []
    articles: Annotated[list[Slug], Field(max_length=50)] = []
    image: ImageKey = ""
    image_alt: ImageAlt = ""

    _starts_utc: datetime = PrivateAttr()
    _ends_utc: datetime = PrivateAttr()

    @model_validator(mode="after")
    def _resolve_times(self) -> EventCreate:
        try:
            tz = zone(self.timezone)
        except WallClockError as exc:
            raise ValueError(f"timezone: {exc}") from exc
        for name in ("starts_at", "ends_at"):
            try:
                check_range(getattr(self, name))
            except ValueError as exc:
                raise ValueError(f"{name}: {exc}") from exc
        try:
            if self.all_day:
                first, last = (
                    self._local_date(self.starts_at, tz),
                    self._local_date(self.ends_at, tz),
                )
                if last < first:
                    raise ValueError("ends_at: the last day is before the first day")
                self._starts_utc = day_start(first, tz)
                self._ends_utc = day_start(last + timedelta(days=1), tz)
            else:
                start, end = self._instant(self.starts_at, tz), self._instant(self.ends_at, tz)
                if end <= start:
                    raise ValueError("ends_at: the event must end after it starts")
                self._starts_utc, self._ends_utc = start, end
        except WallClockError as exc:
            raise ValueError(str(exc)) from exc
        return self

    @model_validator(mode="after")
    def _position_pair(self) -> EventCreate:
        # A latitude without its longitude is no place at all: both, or neither.
        if self.latitude is not None and self.longitude is None:
            raise ValueError("longitude: give the longitude too, or neither")
        if self.longitude is not None and self.latitude is None:
            raise ValueError("latitude: give the latitude too, or neither")
        return self

    @model_validator(mode="after")
    def _image_alt(self) -> EventCreate:
        check_alt(self.image, self.image_alt)
        return self

    @staticmethod
    def _local_date(value: datetime | date, tz: ZoneInfo) -> date:
        if isinstance(value, datetime):
            return value.astimezone(tz).date() if value.tzinfo else value.date()
        return value

    @staticmethod
    def _instant(value: datetime | date, tz: ZoneInfo) -> datetime:
        if not isinstance(value, datetime):
            raise ValueError("a timed event needs a date and a time (or set all_day)")
        return localize(value, tz).astimezone(UTC)

    @property
    def starts_at_utc(self) -> datetime:
        return self._starts_utc

    @property
    def ends_at_utc(self) -> datetime:
        return self._ends_utc


class ArticleCreate(NullMeansEmpty, BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    slug: Slug
    title: Title
    summary: Annotated[Text, Field(max_length=1000)] = ""
    body: Annotated[Text, Field(max_length=200_000), AfterValidator(check_markdown)] = ""
    author: Annotated[Line, Field(max_length=200)] = ""
    published_at: AwareDatetime = None
    categories: Names = []
    image: ImageKey = ""
    image_alt: ImageAlt = ""

    @model_validator(mode="after")
    def _image_alt(self) -> ArticleCreate:
        check_alt(self.image, self.image_alt)
        return self
