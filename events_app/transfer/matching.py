"""What a file's records match in the database, looked up in a few queries for the whole file
rather than one (or several) per record: a 16,000-event import must not cost 16,000 round
trips. Events are matched by UID when the record gives one, by slug otherwise."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col

from events_app.models import Article, Event
from events_app.transfer.records import Document
from events_app.transfer.validation import given_uid

# Values per IN (...): well under SQLite's and PostgreSQL's limits on bound parameters.
CHUNK = 500


def chunks(values: Iterable[str]) -> Iterator[list[str]]:
    ordered = sorted(set(values))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def events_by(*, session: Session, slugs: Iterable[str], uids: Iterable[str]) -> list[Event]:
    """Stored events having one of `slugs` or `uids`, with their categories and articles (the
    unchanged check and the iCalendar reader read both)."""
    query = select(Event).options(
        selectinload(Event.categories),  # type: ignore[arg-type]
        selectinload(Event.articles),  # type: ignore[arg-type]
    )
    found: dict[int | None, Event] = {}
    for part in chunks(uids):
        found.update((e.id, e) for e in session.scalars(query.where(col(Event.uid).in_(part))))
    known = {event.slug for event in found.values()}  # a restore names most events both ways
    for part in chunks(slug for slug in slugs if slug not in known):
        found.update((e.id, e) for e in session.scalars(query.where(col(Event.slug).in_(part))))
    return list(found.values())


def _text(values: Any, key: str) -> str | None:
    value = values.get(key) if isinstance(values, dict) else None
    return value if isinstance(value, str) else None


@dataclass
class Stored:
    """The stored events and articles a document's records may match or name."""

    events_by_slug: dict[str, Event] = field(default_factory=dict)
    events_by_uid: dict[str, Event] = field(default_factory=dict)
    articles_by_slug: dict[str, Article] = field(default_factory=dict)

    def event_for(self, *, uid: str | None, slug: str | None) -> Event | None:
        """A record with a UID is that UID's event (or a new one); one without, its slug's."""
        if uid:
            return self.events_by_uid.get(uid)
        return self.events_by_slug.get(slug) if slug else None


def load_stored(*, session: Session, document: Document) -> Stored:
    slugs = {s for r in document.events if (s := _text(r.values, "slug"))}
    uids = {u for r in document.events if (u := r.uid or given_uid(r.values))}
    stored = Stored()
    for event in events_by(session=session, slugs=slugs, uids=uids):
        stored.events_by_slug[event.slug] = event
        stored.events_by_uid[event.uid] = event
    named: set[str] = {s for r in document.articles if (s := _text(r.values, "slug"))}
    for record in document.events:
        articles = record.values.get("articles") if isinstance(record.values, dict) else None
        if isinstance(articles, list):
            named.update(slug for slug in articles if isinstance(slug, str))
    for part in chunks(named):
        query = select(Article).where(col(Article.slug).in_(part))
        query = query.options(selectinload(Article.categories))  # type: ignore[arg-type]
        stored.articles_by_slug.update((a.slug, a) for a in session.scalars(query))
    return stored
