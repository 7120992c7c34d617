"""Small factories that build data through the same services the app uses."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from events_app.admin.passwords import accept_password
from events_app.admin.schemas import UserCreate
from events_app.admin.users import create_user
from events_app.articles.editing import save_article
from events_app.calendar.entries import CalendarEntry
from events_app.clock import Clock
from events_app.config import Settings
from events_app.db import Database
from events_app.events.editing import find_event, save_event
from events_app.events.questions import questions_of, records
from events_app.events.schemas import ArticleCreate, EventCreate
from events_app.images.store import MediaStore
from events_app.mail.delivery import claim_due, record_failure
from events_app.mail.worker import MailWorker
from events_app.markdown import render
from events_app.models import Article, Event, User
from events_app.registration.housekeeping import seat_housekeeping
from events_app.registration.notify import registration_writers
from events_app.transfer.records import event_record
from tests.support.images import jpeg
from tests.support.passwords import TEST_HASHER
from tests.support.routes import site_urls

_counter = itertools.count(1)


def event_data(now: datetime, **overrides: Any) -> EventCreate:
    number = next(_counter)
    starts_at = overrides.pop("starts_at", now + timedelta(days=7))
    values: dict[str, Any] = {
        "slug": f"event-{number}",
        "title": f"Event {number}",
        "summary": "A summary.",
        "description": "A *description*.",
        "starts_at": starts_at,
        "ends_at": overrides.pop("ends_at", None) or starts_at + timedelta(hours=2),
        "timezone": "UTC",
        "status": "published",
        "venue": "Main Hall",
    }
    values.update(overrides)
    return EventCreate.model_validate(values)


def make_event(db: Database, now: datetime, **overrides: Any) -> Event:
    with db.write() as session:
        return save_event(session=session, now=now, data=event_data(now, **overrides))


def edit_event(db: Database, now: datetime, slug: str, **changes: Any) -> Event:
    """Change a stored event the way an organiser would: its whole record, saved again."""
    with db.write() as session:
        event = find_event(session=session, slug=slug)
        assert event is not None
        kept = {  # not part of the exported record
            "reminder_hours": event.reminder_hours,
            "approval_required": event.approval_required,
            "max_guests": event.max_guests,
        }
        data = EventCreate.model_validate(event_record(event) | kept | changes)
        return save_event(session=session, now=now, data=data, event=event)


# Three questions, one of each kind the forms show differently, for tests that need a form.
SAMPLE_QUESTIONS: list[dict[str, Any]] = [
    {"key": "diet", "label": "Dietary needs", "kind": "text", "required": False, "help": "",
     "choices": []},
    {"key": "track", "label": "Which track?", "kind": "choice", "required": True,
     "help": "Pick one.", "choices": ["Policy", "Research"]},
    {"key": "terms", "label": "I accept the code of conduct", "kind": "checkbox",
     "required": True, "help": "", "choices": []},
]  # fmt: skip


def set_questions(
    db: Database, now: datetime, event_id: int | None, questions: list[dict[str, Any]]
) -> Event:
    """Give an event these questions (records as the transfer format writes them)."""
    checked = records(questions_of(questions))
    with db.write() as session:
        event = session.get(Event, event_id)
        assert event is not None
        event.questions, event.updated_at = checked, now
        return event


def article_data(now: datetime, **overrides: Any) -> ArticleCreate:
    number = next(_counter)
    values: dict[str, Any] = {
        "slug": f"article-{number}",
        "title": f"Article {number}",
        "summary": "An article summary.",
        "body": "Body text.",
        "author": "A. Writer",
        "published_at": now - timedelta(days=1),
    }
    values.update(overrides)
    return ArticleCreate.model_validate(values)


def make_article(db: Database, now: datetime, **overrides: Any) -> Article:
    with db.write() as session:
        return save_article(session=session, now=now, data=article_data(now, **overrides))


def make_entry(**overrides: Any) -> CalendarEntry:
    """A calendar entry as a feed loads it, without a database: for the iCalendar builders.
    A `description` is Markdown, stored rendered as saving an event would."""
    slug = overrides.pop("slug", f"entry-{next(_counter)}")
    if "description" in overrides:
        overrides["description_html"] = render(overrides.pop("description")).html
    values: dict[str, Any] = {
        "uid": f"{slug}@events-app",
        "slug": slug,
        "title": slug.replace("-", " ").title(),
        "summary": "",
        "description_html": "",
        "starts_at": datetime(2026, 12, 8, 13, 0, tzinfo=UTC),
        "ends_at": datetime(2026, 12, 8, 15, 0, tzinfo=UTC),
        "timezone": "Europe/Berlin",
        "all_day": False,
        "venue": "",
        "address": "",
        "latitude": None,
        "longitude": None,
        "online_url": "",
        "status": "published",
        "sequence": 0,
        "organizer": "",
        "created_at": datetime(2026, 11, 1, tzinfo=UTC),
        "updated_at": datetime(2026, 11, 2, tzinfo=UTC),
        "cancelled_at": None,
        "publish_at": None,
    }
    return CalendarEntry(**(values | overrides))


DEFAULT_PASSWORD = "correct horse battery staple"
# What the listing pages say when there is nothing to list.
PLACEHOLDER = "We are creating some awesome events for you. Kindly bear with us."


def make_user(db: Database, now: datetime, **overrides: Any) -> User:
    """A back-office user (an admin unless `role` says otherwise), created as the command
    line creates one; `active=False` deactivates it afterwards."""
    number = next(_counter)
    password = overrides.pop("password", DEFAULT_PASSWORD)
    active = overrides.pop("active", True)
    values: dict[str, Any] = {
        "email": f"user{number}@example.org",
        "name": f"User {number}",
        "role": "admin",
    }
    values.update(overrides)
    data = UserCreate.model_validate(values)
    new_password = accept_password(password, user_inputs=data.password_hints, hasher=TEST_HASHER)
    with db.write() as session:
        user = create_user(session=session, now=now, actor=None, data=data, password=new_password)
        if not active:
            user.active = False
    return user


def fail_due_mail(db: Database, now: datetime, error: str = "421 try again later") -> list[int]:
    """Every message due at `now` fails for good, recorded as the worker records a failure
    after its last attempt; returns their outbox ids."""
    with db.write() as session:
        claims = claim_due(session=session, now=now, lease=timedelta(minutes=5), limit=10_000)
        for claim in claims:
            record_failure(
                session=session, now=now, claim=claim, error=error, max_attempts=8, permanent=True
            )
    return [claim.message.id for claim in claims if claim.message.id is not None]


def make_worker(*, settings: Settings, db: Database, clock: Clock, **options: Any) -> MailWorker:
    """The mail worker as `events-app worker` and `serve` wire it: with seat housekeeping."""
    urls = site_urls(settings)
    return MailWorker(
        settings=settings,
        db=db,
        clock=clock,
        housekeeping=seat_housekeeping(settings, db, urls),
        writers=registration_writers(settings, urls),
        **options,
    )


def store_cover(settings: Settings, data: bytes | None = None) -> str:
    """A cover image in `settings`' media directory, as an upload stores it: its key."""
    return MediaStore.from_settings(settings).save(data if data is not None else jpeg(2000, 1200))
