"""The public calendar feeds: which events each one holds, and the feed as bytes with what an
HTTP poller needs to revalidate it (ETag, Last-Modified) and how long it stays true.

A feed holds the live events that have not ended more than FEED_KEEPS_PAST ago, and cancelled
ones until FEED_KEEPS_PAST after their cancellation, earliest first, bounded by a count and a
byte budget (the furthest events are the ones left out).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlmodel import Session, col

from events_app.calendar.entries import CalendarEntry, load_entries
from events_app.calendar.ics import CalendarHead, assemble_calendar
from events_app.calendar.vevent import CalendarSite, serialised_vevent
from events_app.content import FEED_KEEPS_PAST
from events_app.events.queries import is_live
from events_app.models import Article, Category, Event, EventArticle, EventCategory, EventStatus
from events_app.translations import catalogue

# Well under the 1 MB that some calendar apps refuse, whatever the events hold.
FEED_MAX_BYTES = 900_000


class FeedKind(StrEnum):
    site = "site"
    category = "category"
    article = "article"


@dataclass(frozen=True, slots=True)
class FeedScope:
    kind: FeedKind
    slug: str = ""


@dataclass(frozen=True, slots=True)
class FeedDocument:
    body: bytes
    etag: str
    last_modified: datetime
    valid_until: datetime | None
    event_count: int


def calendar_etag(body: bytes) -> str:
    # The same strong validator the page cache computes for a stored page (web/page_cache.py).
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def in_feed_window(now: datetime) -> ColumnElement[bool]:
    horizon = now - FEED_KEEPS_PAST
    cancelled = col(Event.status) == EventStatus.cancelled
    return and_(
        is_live(now),
        or_(
            and_(~cancelled, col(Event.ends_at) > horizon),
            and_(cancelled, col(Event.cancelled_at) > horizon),
        ),
    )


def in_scope(scope: FeedScope) -> ColumnElement[bool]:
    if scope.kind is FeedKind.category:
        members = (
            select(col(EventCategory.event_id))
            .join(Category, col(Category.id) == col(EventCategory.category_id))
            .where(col(Category.slug) == scope.slug)
        )
        return col(Event.id).in_(members)
    if scope.kind is FeedKind.article:
        members = (
            select(col(EventArticle.event_id))
            .join(Article, col(Article.id) == col(EventArticle.article_id))
            .where(col(Article.slug) == scope.slug)
        )
        return col(Event.id).in_(members)
    return col(Event.id).is_not(None)


def feed_head(
    *, session: Session, now: datetime, scope: FeedScope, site: CalendarSite
) -> CalendarHead | None:
    """The feed's name and addresses, or None when its category or article does not exist
    (an article counts only once it is published)."""
    gettext = catalogue(site.language).gettext
    names = {"site": site.site_name}
    if scope.kind is FeedKind.site:
        name = gettext("%(site)s: events") % names
        page, source = site.urls("events_index"), site.urls("site_feed")
    elif scope.kind is FeedKind.category:
        title = session.scalar(select(col(Category.name)).where(col(Category.slug) == scope.slug))
        if title is None:
            return None
        name = gettext("%(site)s: %(category)s") % {**names, "category": title}
        page = site.urls("category_detail", slug=scope.slug)
        source = site.urls("category_feed", slug=scope.slug)
    else:
        title = session.scalar(
            select(col(Article.title)).where(
                col(Article.slug) == scope.slug, col(Article.published_at) <= now
            )
        )
        if title is None:
            return None
        name = gettext("%(site)s: events for “%(article)s”") % {**names, "article": title}
        page = site.urls("article_detail", slug=scope.slug)
        source = site.urls("article_feed", slug=scope.slug)
    return CalendarHead(
        name=name,
        description=gettext("Events from %(site)s, kept up to date.") % names,
        url=page,
        source=source,
    )


def _fit(
    entries: list[CalendarEntry], site: CalendarSite
) -> tuple[list[CalendarEntry], list[bytes]]:
    kept: list[CalendarEntry] = []
    vevents: list[bytes] = []
    size = 0
    for entry in entries:
        vevent = serialised_vevent(entry, site)
        size += len(vevent)
        if size > FEED_MAX_BYTES:
            break
        kept.append(entry)
        vevents.append(vevent)
    return kept, vevents


def _leaves_feed(entry: CalendarEntry) -> datetime:
    if entry.status == EventStatus.cancelled and entry.cancelled_at is not None:
        return entry.cancelled_at + FEED_KEEPS_PAST
    return entry.ends_at + FEED_KEEPS_PAST


def _set_changes(
    session: Session, now: datetime, scope: FeedScope
) -> tuple[datetime | None, datetime | None]:
    """The next moment an event enters this feed by itself (going live), and the last moment
    one left it by itself (its window passing): the feed's future and past edges."""
    horizon = now - FEED_KEEPS_PAST
    where = in_scope(scope)
    not_draft = col(Event.status) != EventStatus.draft
    cancelled = col(Event.status) == EventStatus.cancelled
    next_live = select(func.min(col(Event.publish_at))).where(
        where, not_draft, col(Event.publish_at) > now
    )
    ended = select(func.max(col(Event.ends_at))).where(
        where, is_live(now), ~cancelled, col(Event.ends_at) <= horizon
    )
    withdrawn = select(func.max(col(Event.cancelled_at))).where(
        where, is_live(now), cancelled, col(Event.cancelled_at) <= horizon
    )
    left = [
        moment + FEED_KEEPS_PAST
        for moment in (session.scalar(ended), session.scalar(withdrawn))
        if moment
    ]
    return session.scalar(next_live), max(left, default=None)


def build_feed(
    *,
    session: Session,
    now: datetime,
    scope: FeedScope,
    site: CalendarSite,
    max_events: int,
    calendar_changed_at: datetime | None,
) -> FeedDocument | None:
    head = feed_head(session=session, now=now, scope=scope, site=site)
    if head is None:
        return None
    candidates = load_entries(
        session=session, now=now, where=and_(in_feed_window(now), in_scope(scope)), limit=max_events
    )
    entries, vevents = _fit(candidates, site)
    body = assemble_calendar(head, entries, vevents)
    next_live, last_left = _set_changes(session, now, scope)
    went_live = [entry.publish_at for entry in entries if entry.publish_at is not None]
    changes = [
        moment for moment in (calendar_changed_at, last_left, *went_live) if moment is not None
    ]
    changes += [entry.updated_at for entry in entries]
    ends = [_leaves_feed(entry) for entry in entries]
    if next_live is not None:
        ends.append(next_live)
    return FeedDocument(
        body=body,
        etag=calendar_etag(body),
        last_modified=max(changes, default=now),
        valid_until=min(ends, default=None),
        event_count=len(entries),
    )
