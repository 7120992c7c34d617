"""`events-app mail retry`: queue failed mail again, chosen by kind, event or when it was
queued, or all of it with `--all` (never by accident: no filter and no `--all` is refused).
Exit codes: 0 done (also when nothing matched); 1 refused (no filter, an unknown kind or
event, a time that cannot be read), with the reason; 2 the database could not do it.
The kinds of email are the features' (the command line passes them in): mail/ is transport."""

from __future__ import annotations

import sys
from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy.exc import SQLAlchemyError

from events_app.clock import utc_now
from events_app.config import Settings
from events_app.db import Database
from events_app.mail.retry import FailedFilters, event_exists, retry_failed
from events_app.timezones import WallClockError, day_start, localize, zone

SHOWN_IDS = 20  # ids printed after the count


class Refused(Exception):
    """What to print before exiting with 1."""


def parse_moment(text: str, *, option: str, timezone: str) -> datetime:
    """An ISO 8601 date (its midnight) or date-time; without an offset, in the site's zone."""
    tz = zone(timezone)
    try:
        if len(text.strip()) <= 10:
            return day_start(date.fromisoformat(text.strip()), tz)
        moment = datetime.fromisoformat(text.strip())
        return moment if moment.tzinfo else localize(moment, tz, repeated="first")
    except (ValueError, WallClockError):
        raise Refused(
            f"{option} {text!r} is not an ISO 8601 date or date-time (2026-12-01 or "
            "2026-12-01T14:00, in EVENTS_TIMEZONE unless it has an offset)"
        ) from None


def _filters(settings: Settings, kinds: Collection[str], kind: str | None, event: str | None,
             since: str | None, until: str | None) -> FailedFilters:  # fmt: skip
    if kind is not None and kind not in kinds:
        raise Refused(f"unknown kind {kind!r}; the kinds are {', '.join(sorted(kinds))}")

    def moment(text: str | None, option: str) -> datetime | None:
        return (
            None if text is None else parse_moment(text, option=option, timezone=settings.timezone)
        )

    return FailedFilters(
        kind=kind, event_slug=event, since=moment(since, "--since"), until=moment(until, "--until")
    )


def _retry(db: Database, filters: FailedFilters) -> list[int]:
    with db.write() as session:
        if filters.event_slug and not event_exists(session=session, slug=filters.event_slug):
            raise Refused(f"no event has the slug {filters.event_slug!r}")
        return retry_failed(session=session, now=utc_now(), filters=filters, actor=None)


def run_retry(
    settings: Settings,
    *,
    kinds: Collection[str],
    kind: str | None = None,
    event: str | None = None,
    since: str | None = None,
    until: str | None = None,
    everything: bool = False,
) -> int:
    db = Database.from_url(settings.database_url)
    try:
        filters = _filters(settings, kinds, kind, event, since, until)
        if not filters.narrowed and not everything:
            raise Refused("say which messages (--kind, --event, --since, --until) or give --all")
        ids = _retry(db, filters)
    except Refused as refused:
        print(f"mail retry: {refused}; nothing was changed", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        reason = str(exc).splitlines()[0]  # the rest is the SQL statement
        print(f"mail retry: the database refused it ({reason}); nothing was changed",
              file=sys.stderr)  # fmt: skip
        return 2
    finally:
        db.dispose()
    if not ids:
        print("mail retry: no failed message matches; nothing was changed")
        return 0
    shown = ", ".join(map(str, ids[:SHOWN_IDS])) + (", ..." if len(ids) > SHOWN_IDS else "")
    print(f"mail retry: {len(ids)} failed message(s) queued again (outbox {shown});"
          " the worker sends them on its next round")  # fmt: skip
    return 0
