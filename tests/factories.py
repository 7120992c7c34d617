"""Small factories that build data through the same services the app uses."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from events_app.admin.passwords import accept_password
from events_app.admin.schemas import UserCreate
from events_app.admin.users import create_user
from events_app.db import Database
from events_app.events.editing import save_article, save_event
from events_app.events.schemas import ArticleCreate, EventCreate
from events_app.models import Article, Event, User

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


DEFAULT_PASSWORD = "correct horse battery staple"


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
    new_password = accept_password(password, user_inputs=data.password_hints)
    with db.write() as session:
        user = create_user(session=session, now=now, actor=None, data=data, password=new_password)
        if not active:
            user.active = False
    return user
