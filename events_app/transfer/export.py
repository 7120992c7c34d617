"""`events-app export`: every event and article as JSON (a backup, drafts included), or the
events as an iCalendar file (drafts left out, no online links)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col

from events_app.articles.records import article_record
from events_app.calendar.entries import entry_from_event
from events_app.calendar.ics import CalendarHead, build_calendar
from events_app.calendar.vevent import CalendarSite
from events_app.events.records import exported_event_record
from events_app.models import Article, Event, EventStatus
from events_app.transfer.json_format import dump_json


def all_events(*, session: Session) -> list[Event]:
    query = (
        select(Event)
        .options(selectinload(Event.categories), selectinload(Event.articles))  # type: ignore[arg-type]
        .order_by(col(Event.slug))
    )
    return list(session.scalars(query))


def all_articles(*, session: Session) -> list[Article]:
    query = (
        select(Article)
        .options(selectinload(Article.categories))  # type: ignore[arg-type]
        .order_by(col(Article.slug))
    )
    return list(session.scalars(query))


def export_json(*, session: Session) -> bytes:
    return dump_json(
        articles=[article_record(article) for article in all_articles(session=session)],
        events=[exported_event_record(event) for event in all_events(session=session)],
    )


def export_ics(*, session: Session, now: datetime, site: CalendarSite) -> bytes:
    """Every event past the draft stage, as one calendar (a public file: no online links)."""
    events = [e for e in all_events(session=session) if e.status != EventStatus.draft]
    entries = [entry_from_event(event, now=now) for event in events]
    head = CalendarHead(name=site.site_name, url=site.urls("events_index"))
    return build_calendar(entries, site=site, head=head)
