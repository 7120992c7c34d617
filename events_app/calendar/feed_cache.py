"""Feed bytes kept between polls, per process.

Calendar apps poll every feed for years, mostly to learn that nothing changed. A built feed is
kept while the calendar version in the database is the one it was built at (it rises only with
changes a feed shows: events, articles, categories; not registrations) and its own window
holds (from when it was built to the next go-live, or an event leaving the 30-day window: a
clock stepping back before the build drops it too). Checking costs one small
query; rebuilding after a change re-serialises only the changed events (vevent.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import Session

from events_app.calendar.feeds import FeedDocument, FeedScope, build_feed
from events_app.calendar.vevent import CalendarSite
from events_app.content import calendar_state
from events_app.versioned_cache import VersionedLRU

if TYPE_CHECKING:
    from events_app.web.context import AppContext


class FeedCache:
    """The built feeds of this process, by scope: each holds for the calendar version it was
    built at and within its own window (events_app/versioned_cache.py)."""

    def __init__(self, *, max_entries: int = 64) -> None:
        self.max_entries = max_entries
        self._documents: VersionedLRU[FeedScope, FeedDocument] = VersionedLRU(
            max_entries=max_entries
        )
        self.builds = 0

    def lookup(self, scope: FeedScope, *, version: int, now: datetime) -> FeedDocument | None:
        return self._documents.get(scope, version=version, now=now)

    def store(
        self, scope: FeedScope, *, version: int, document: FeedDocument, built_at: datetime
    ) -> None:
        self._documents.put(
            scope,
            document,
            version=version,
            valid_from=built_at,
            valid_until=document.valid_until,
        )


def current_feed(
    *,
    session: Session,
    now: datetime,
    scope: FeedScope,
    site: CalendarSite,
    cache: FeedCache,
    max_events: int,
) -> FeedDocument | None:
    """The feed for `scope` as it stands now, built only when it may have changed. None when
    the category or article it belongs to does not exist."""
    version, changed_at = calendar_state(session=session)
    document = cache.lookup(scope, version=version, now=now)
    if document is not None:
        return document
    document = build_feed(
        session=session,
        now=now,
        scope=scope,
        site=site,
        max_events=max_events,
        calendar_changed_at=changed_at,
    )
    if document is not None:
        cache.builds += 1
        cache.store(scope, version=version, document=document, built_at=now)
    return document


def app_feed_cache(context: AppContext) -> FeedCache:
    """One per app: the feeds this process has built, kept while they stay true."""
    return context.part(FeedCache, lambda _settings, _urls: FeedCache())
