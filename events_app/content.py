"""The public content version and the next moment at which public pages change by themselves.

Page caches in every process hold a page only while the version they rendered it at is still
the current one and the clock has not reached the next go-live, start or end moment.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlmodel import Session, col

from events_app.models import Article, Event, EventStatus, SiteState

# The key in `Session.info` under which a write transaction records that public content changed.
CONTENT_CHANGED = "events_app.content_changed"
# ... and the page dependencies it changed (for example "seats:42": one event's seats).
DEPENDENCIES_CHANGED = "events_app.dependencies_changed"


def content_version(*, session: Session) -> int:
    version = session.scalar(select(col(SiteState.content_version)).where(col(SiteState.id) == 1))
    return int(version or 0)


def mark_content_changed(*, session: Session) -> None:
    """Call inside the write transaction that changes anything a public page shows. The
    session remembers it, so that `AppContext.write` empties this process's page cache once the
    transaction has committed (other processes see the new version at their next check)."""
    session.info[CONTENT_CHANGED] = True
    result = session.execute(
        update(SiteState)
        .where(col(SiteState.id) == 1)
        .values(content_version=col(SiteState.content_version) + 1)
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        session.add(SiteState(id=1, content_version=1))


def mark_dependency_changed(*, session: Session, key: str) -> None:
    """Call inside a write transaction that changes a value some pages declare they depend on
    (web/page_dependencies.py) and nothing else public. No shared row is written: after the
    commit this process drops the pages that depend on `key`, and every other process sees
    the new value at its next check. So a burst of registrations on one event neither
    serialises on one row nor empties the cached pages of every other event."""
    session.info.setdefault(DEPENDENCIES_CHANGED, set()).add(key)


# Public calendar feeds keep an event for this long after it ends, and a cancelled event for
# this long after its cancellation, so subscribed calendars see what happened to it.
FEED_KEEPS_PAST = timedelta(days=30)


def calendar_state(*, session: Session) -> tuple[int, datetime | None]:
    """The calendar version and when it last rose: what every cached feed is checked against."""
    row = session.execute(
        select(col(SiteState.calendar_version), col(SiteState.calendar_changed_at)).where(
            col(SiteState.id) == 1
        )
    ).first()
    return (int(row[0]), row[1]) if row else (0, None)


def mark_calendar_changed(*, session: Session, now: datetime) -> None:
    """Call inside the write transaction that changes anything a calendar feed shows (events,
    and the articles and categories named in them). Public pages change too."""
    mark_content_changed(session=session)
    session.execute(
        update(SiteState)
        .where(col(SiteState.id) == 1)
        .values(calendar_version=col(SiteState.calendar_version) + 1, calendar_changed_at=now)
    )


def next_content_change(*, session: Session, now: datetime) -> datetime | None:
    """The earliest future moment at which a page may change without any write: an event going
    live, its registration opening or closing, the event starting or ending, or an article's
    publication time arriving."""
    not_draft = col(Event.status) != EventStatus.draft
    candidates = [
        select(func.min(col(Event.publish_at))).where(not_draft, col(Event.publish_at) > now),
        select(func.min(col(Event.registration_opens_at))).where(
            not_draft, col(Event.registration_opens_at) > now
        ),
        select(func.min(col(Event.registration_closes_at))).where(
            not_draft, col(Event.registration_closes_at) > now
        ),
        select(func.min(col(Event.starts_at))).where(not_draft, col(Event.starts_at) > now),
        select(func.min(col(Event.ends_at))).where(not_draft, col(Event.ends_at) > now),
        select(func.min(col(Article.published_at))).where(col(Article.published_at) > now),
    ]
    # And the moments an event leaves the calendar feeds: FEED_KEEPS_PAST after it ended or
    # was cancelled.
    horizon = now - FEED_KEEPS_PAST
    leaving = [
        select(func.min(col(Event.ends_at))).where(not_draft, col(Event.ends_at) > horizon),
        select(func.min(col(Event.cancelled_at))).where(
            col(Event.status) == EventStatus.cancelled, col(Event.cancelled_at) > horizon
        ),
    ]
    moments = [session.scalar(query) for query in candidates]
    moments += [
        moment + FEED_KEEPS_PAST
        for moment in (session.scalar(query) for query in leaving)
        if moment is not None
    ]
    found = [moment for moment in moments if moment is not None and moment > now]
    return min(found) if found else None
