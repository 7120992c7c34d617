"""`events-app demo`: the demo content, dated relative to today. Idempotent: what exists
(matched by slug) is left as it is, so running it twice changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from events_app.articles.editing import find_article, save_article
from events_app.demo.articles import ARTICLES
from events_app.demo.events import EVENTS
from events_app.demo.pictures import demo_cover
from events_app.events.editing import find_event, save_event
from events_app.events.schemas import ArticleCreate, EventCreate
from events_app.images.store import MediaStore
from events_app.models import Event, EventStatus
from events_app.timezones import localize, zone

_EVENT_ONLY_KEYS = {"days", "time", "minutes", "all_day_days", "publish_in_days"}


@dataclass(frozen=True)
class DemoResult:
    created_articles: int
    created_events: int
    skipped: int


def demo_event(spec: dict[str, Any], now: datetime) -> EventCreate:
    tz = zone(spec["timezone"])
    day = now.astimezone(tz).date() + timedelta(days=spec["days"])
    data = {k: v for k, v in spec.items() if k not in _EVENT_ONLY_KEYS}
    data.setdefault("status", EventStatus.published)
    if "all_day_days" in spec:
        data.update(
            all_day=True, starts_at=day, ends_at=day + timedelta(days=spec["all_day_days"] - 1)
        )
    else:
        start = localize(datetime.combine(day, time.fromisoformat(spec["time"])), tz)
        data.update(starts_at=start, ends_at=start + timedelta(minutes=spec["minutes"]))
    if "publish_in_days" in spec:
        data["publish_at"] = now + timedelta(days=spec["publish_in_days"])
    return EventCreate.model_validate(data)


def demo_article(spec: dict[str, Any], now: datetime) -> ArticleCreate:
    data = {k: v for k, v in spec.items() if k != "days_ago"}
    data["published_at"] = now - timedelta(days=spec["days_ago"], hours=2)
    return ArticleCreate.model_validate(data)


def database_is_empty(*, session: Session) -> bool:
    return not session.scalar(select(func.count()).select_from(Event))


def _with_cover(spec: dict[str, Any], store: MediaStore | None) -> dict[str, Any]:
    if store is None:
        return spec
    return spec | demo_cover(store, str(spec["slug"]), list(spec.get("categories", [])))


def load_demo(*, session: Session, now: datetime, store: MediaStore | None = None) -> DemoResult:
    """`store`: where the demo's cover images go (drawn when loaded, demo/pictures.py);
    without one, the records have none."""
    created_articles = created_events = skipped = 0
    for spec in ARTICLES:
        if find_article(session=session, slug=str(spec["slug"])) is None:
            data = demo_article(_with_cover(spec, store), now)
            save_article(session=session, now=now, data=data)
            created_articles += 1
        else:
            skipped += 1
    for spec in EVENTS:
        if find_event(session=session, slug=spec["slug"]) is None:
            save_event(session=session, now=now, data=demo_event(_with_cover(spec, store), now))
            created_events += 1
        else:
            skipped += 1
    return DemoResult(created_articles, created_events, skipped)
