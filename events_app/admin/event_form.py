"""The event form: what it shows for a new, an existing or a duplicated event, and how what
comes back becomes an EventCreate (the same schema the import uses) or a Problem per field.

Times are entered as wall-clock times in the event's own timezone (`datetime-local`), all-day
events as dates; see local_times for the days clocks change. What the form does not carry
(status, go-live moment, reason) is kept from the stored event: those change through the
publishing actions, or for a new event or a draft through the form's own publishing
section (publish_choice). The reminder (hours before the start; 0: none) is on the form. The
map position (latitude and longitude, both or neither) is optional.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlmodel import Session, col

from events_app.admin.cover_form import alt_problem, read_cover
from events_app.admin.form_errors import (
    MAX_CHOICES,
    FormInput,
    schema_problems,
    slug_from,
    text,
    texts,
)
from events_app.admin.local_times import Problem, parse_day, resolve_instant, resolve_wall
from events_app.admin.local_times import wall_value as _wall_value
from events_app.admin.publish_choice import blank_publishing, read_publishing
from events_app.date_range import FIRST_YEAR, LAST_YEAR, in_range
from events_app.events.schemas import EventCreate
from events_app.models import MAX_GUESTS, Article, Category, Event, EventFormat, EventStatus
from events_app.timezones import WallClockError, zone

# Taken as typed (the schema strips and checks them).
PLAIN_FIELDS: tuple[str, ...] = ("slug", "title", "summary", "description", "venue", "address")
PLAIN_FIELDS += ("online_url", "organizer")
# The map position: decimal degrees, as a map service shows them ("52.5163").
POSITION_FIELDS = ("latitude", "longitude")
POSITION_LIMITS = {"latitude": 90.0, "longitude": 180.0}
TEXT_FIELDS = (*PLAIN_FIELDS, "format", "capacity", "timezone", "start_date", "end_date")
TEXT_FIELDS += (*POSITION_FIELDS, "reminder_hours", "max_guests")
WALL_FIELDS = ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at")
# Moments (instants) rather than the event's own times; both are entered in its timezone.
MOMENT_FIELDS = ("registration_opens_at", "registration_closes_at")
Form = dict[str, Any]
_STAND_IN = datetime(2000, 1, 1)
RESERVED_SLUGS = {"new"}  # /admin/events/new is the form for a new event
REMINDER_DEFAULT = "24"  # as the schema's default: a day before
REMINDER_MAX = 30 * 24  # as the schema's ReminderHours


def blank_form(timezone: str) -> Form:
    form: Form = dict.fromkeys(TEXT_FIELDS, "")
    form.update(dict.fromkeys(WALL_FIELDS, ""))
    form.update({f"{name}_offset": "" for name in WALL_FIELDS})
    form.update(timezone=timezone, format=EventFormat.in_person.value, all_day=False)
    form.update(categories=[], articles=[], image="", image_alt="", image_remove=False)
    form["reminder_hours"] = REMINDER_DEFAULT
    form.update(blank_publishing())
    form.update(approval_required=False, max_guests="0")
    return form


def form_from_event(event: Event) -> Form:
    """An event as its form shows it: times in its own zone, the last day of an all-day
    event (stored as the start of the day after) as that day."""
    tz = zone(event.timezone)
    form = blank_form(event.timezone)
    form.update({name: str(getattr(event, name) or "") for name in PLAIN_FIELDS})
    form.update(format=EventFormat(event.format).value, all_day=event.all_day)
    form["capacity"] = "" if event.capacity is None else str(event.capacity)
    form["reminder_hours"] = str(event.reminder_hours or 0)
    for name in POSITION_FIELDS:
        value = getattr(event, name)
        form[name] = "" if value is None else repr(value)
    for name in WALL_FIELDS:
        form[name], form[f"{name}_offset"] = _wall_value(getattr(event, name), tz)
    first = event.starts_at.astimezone(tz).date()
    last = (event.ends_at.astimezone(tz) - timedelta(days=1)).date() if event.all_day else first
    form.update(start_date=first.isoformat(), end_date=max(first, last).isoformat())
    form["categories"] = [category.name for category in event.categories]
    form["articles"] = [article.slug for article in event.articles]
    form.update(image=event.image, image_alt=event.image_alt)
    form.update(approval_required=event.approval_required, max_guests=str(event.max_guests))
    return form


@dataclass(frozen=True)
class Choices:
    """What the form's lists offer: category names, and articles as (slug, title)."""

    categories: list[str]
    articles: list[tuple[str, str]]

    @property
    def category_options(self) -> list[tuple[str, str]]:
        return [(name, name) for name in self.categories]

    @property
    def article_slugs(self) -> list[str]:
        return [slug for slug, _title in self.articles]


def load_choices(*, session: Session) -> Choices:
    names = session.scalars(select(col(Category.name)).order_by(col(Category.name))).all()
    articles = session.execute(
        select(col(Article.slug), col(Article.title)).order_by(col(Article.title))
    ).all()
    return Choices(list(names), [(slug, title) for slug, title in articles])


def duplicate_form(*, session: Session, event: Event) -> Form:
    """A new event's form filled from `event`, under a free slug ("<slug>-copy", "-copy-2"...)."""
    form = form_from_event(event)
    base = f"{event.slug}-copy"[:110]
    taken = set(session.scalars(select(col(Event.slug)).where(col(Event.slug).startswith(base))))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    form["slug"] = slug
    return form


def read_form(raw: FormInput) -> Form:
    """What was sent, kept as sent (to show back on error)."""
    form: Form = {name: text(raw, name) for name in TEXT_FIELDS}
    form.update({name: text(raw, name) for name in WALL_FIELDS})
    form.update({f"{name}_offset": text(raw, f"{name}_offset") for name in WALL_FIELDS})
    form["all_day"] = text(raw, "all_day") == "1"
    form["approval_required"] = text(raw, "approval_required") == "1"
    form["categories"] = texts(raw, "categories")[: MAX_CHOICES + 1]
    form["articles"] = texts(raw, "articles")[: MAX_CHOICES + 1]
    read_cover(raw, form)
    read_publishing(raw, form)
    return form


def _times(form: Form, problems: dict[str, Problem]) -> dict[str, Any]:
    """The start, end and registration window as the schema takes them."""
    try:
        tz = zone(form["timezone"].strip())
    except WallClockError:
        problems["timezone"] = Problem("required" if not form["timezone"].strip() else "timezone")
        return {}
    values: dict[str, Any] = {}
    if form["all_day"]:
        for schema_name, name in (("starts_at", "start_date"), ("ends_at", "end_date")):
            day: date | None = parse_day(form[name])
            if day is None:
                problems[name] = Problem("required" if not form[name].strip() else "date")
            elif not in_range(day):
                problems[name] = Problem("year_range", {"first": FIRST_YEAR, "last": LAST_YEAR})
                day = None
            values[schema_name] = day
    else:
        for name in ("starts_at", "ends_at"):
            wall, problem = resolve_wall(form[name], tz, form[f"{name}_offset"])
            if problem is None and wall is None:
                problem = Problem("required")
            if problem is not None:
                problems[name] = problem
            values[name] = wall
    for name in MOMENT_FIELDS:
        moment: datetime | None
        moment, problem = resolve_instant(form[name], tz, form[f"{name}_offset"])
        if problem is not None:
            problems[name] = problem
        values[name] = moment
    return values


def _capacity(raw: str, problems: dict[str, Problem]) -> int | None:
    if not raw.strip():
        return None
    try:
        return int(raw.strip())
    except ValueError:
        problems["capacity"] = Problem("number")
        return None


def _reminder(raw: str, problems: dict[str, Problem]) -> int:
    """Hours before the start; empty or 0: no reminder."""
    try:
        hours = int(raw.strip() or "0")
    except ValueError:
        hours = -1
    if not 0 <= hours <= REMINDER_MAX:
        problems["reminder_hours"] = Problem("reminder_hours", {"most": REMINDER_MAX})
        return 0
    return hours


def _max_guests(raw: str, problems: dict[str, Problem]) -> int:
    """Guests per registration: a whole number from 0 to MAX_GUESTS (empty: none)."""
    text = raw.strip() or "0"
    if text.isascii() and text.isdigit() and int(text) <= MAX_GUESTS:
        return int(text)
    problems["max_guests"] = Problem("guests", {"most": MAX_GUESTS})
    return 0


def _degrees(raw: str) -> float | None:
    """A number of degrees as typed: a decimal comma is read as a point; None if no number."""
    text = raw.strip()
    if "." not in text and text.count(",") == 1:
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _position(form: Form, problems: dict[str, Problem]) -> dict[str, float | None]:
    """Latitude and longitude, each within its range, and both or neither."""
    values: dict[str, float | None] = {}
    for name in POSITION_FIELDS:
        raw = form[name].strip()
        value = _degrees(raw) if raw else None
        if raw and (value is None or abs(value) > POSITION_LIMITS[name]):
            problems[name] = Problem(name)
        values[name] = value
    given = [name for name in POSITION_FIELDS if form[name].strip()]
    if len(given) == 1 and not problems.keys() & set(POSITION_FIELDS):
        missing = "longitude" if given == ["latitude"] else "latitude"
        problems[missing] = Problem("position_pair")
    return values if not problems.keys() & set(POSITION_FIELDS) else dict.fromkeys(values)


def to_event_create(
    form: Form, *, kept: Event | None, categories: list[str], articles: list[str]
) -> tuple[EventCreate | None, dict[str, Problem]]:
    """The EventCreate this form describes, or the problems beside each field. `categories`
    and `articles` are the names and slugs that may be chosen; `kept` the stored event whose
    status and go-live moment the form leaves as they are."""
    problems: dict[str, Problem] = {}
    if not form["slug"].strip():
        form["slug"] = slug_from(form["title"])
    if form["slug"].strip() in RESERVED_SLUGS:
        problems["slug"] = Problem("reserved")
    values: dict[str, Any] = {name: form[name] for name in PLAIN_FIELDS}
    values.update(timezone=form["timezone"].strip(), all_day=form["all_day"])
    values.update(format=form["format"], capacity=_capacity(form["capacity"], problems))
    values["reminder_hours"] = _reminder(form["reminder_hours"], problems)
    values.update(_times(form, problems))
    values.update(_position(form, problems))
    values.update(
        approval_required=form["approval_required"],
        max_guests=_max_guests(form["max_guests"], problems),
    )
    for name, allowed in (("categories", categories), ("articles", articles)):
        if len(form[name]) > MAX_CHOICES:
            problems[name] = Problem("too_many")
        elif set(form[name]) - set(allowed):
            problems[name] = Problem("choice")
        values[name] = form[name]
    values.update(image=form["image"], image_alt=form["image_alt"])
    if problem := alt_problem(form):
        problems["image_alt"] = problem
    if kept is not None:
        values.update(
            status=kept.status, status_reason=kept.status_reason, publish_at=kept.publish_at
        )
    else:
        values["status"] = EventStatus.draft
    if any(name in problems for name in ("timezone", "starts_at", "ends_at")) or (
        form["all_day"] and problems.keys() & {"start_date", "end_date"}
    ):
        # Stand-in times, so that the schema checks every other field without repeating
        # what is already said about these.
        values.update(starts_at=_STAND_IN, ends_at=_STAND_IN + timedelta(hours=1))
        values.update(all_day=False, timezone="UTC")
    renamed = {"starts_at": "start_date", "ends_at": "end_date"} if form["all_day"] else {}
    try:
        data = EventCreate.model_validate(values)
    except ValidationError as exc:
        for name, problem in schema_problems(exc, values, renamed=renamed).items():
            problems.setdefault(name, problem)
        if not form["title"].strip() and not form["slug"].strip():
            problems.pop("slug", None)  # it is made from the title, which is already marked
        # Pydantic checks the times (a model rule) only when every field is valid: check them
        # alone too, so that every problem is shown at once.
        problems.update(
            {k: v for k, v in _time_problems(values, renamed).items() if k not in problems}
        )
        return None, problems
    return (None, problems) if problems else (data, problems)


def _time_problems(values: dict[str, Any], renamed: dict[str, str]) -> dict[str, Problem]:
    times = ("starts_at", "ends_at", "timezone", "all_day")
    try:
        EventCreate.model_validate({"slug": "x", "title": "x"} | {k: values[k] for k in times})
    except ValidationError as exc:
        return schema_problems(exc, values, renamed=renamed)
    return {}
