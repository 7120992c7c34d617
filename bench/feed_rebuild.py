"""The site calendar feed rebuilt after one event changed, against building it from nothing.

In-process, no HTTP: a temporary SQLite database with 1,000 live, upcoming events written
through the app's own `save_event` (bench/seed.py), and the feed as the /events.ics view gets
it (`current_feed` with a `FeedCache`, one read session). Measured, in this order:

  unchanged  `current_feed` when nothing changed: the calendar-version check and a cache hit
  rebuild    N times: one event's start moves by an hour through `save_event` (its SEQUENCE
             and the calendar version rise), then `current_feed` returns the new feed, which
             must hold the changed VEVENT and all 1,000 events; median and max are kept
  icalendar  the baseline: the same 1,000 events built from nothing with plain icalendar
             (Calendar.new, Event.new per event, add_missing_timezones, to_ical)
  cold       our own `build_feed` with every memo cleared (`serialised_vevent`, `head_bytes`,
             `timezone_bytes`): what the first poll after a restart costs

Times are wall-clock milliseconds from opening the read session to holding the bytes (CPU
time is printed beside them). Target: a rebuild after one change takes at most 50 ms (the
median; the max is printed and warned about). It exits 0 unless something broke; `--strict`
makes a missed target exit 1. `bench/run.py` runs it after the HTTP measurements.

    .venv/bin/python bench/feed_rebuild.py [--repeats 20] [--json PATH] [--strict]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from icalendar import Calendar
from icalendar import __version__ as icalendar_version
from sqlalchemy import and_
from sqlmodel import col, select

from bench.run import BUSY_MACHINE, cpu_sample, wait_for_quiet
from bench.seed import seed_database
from events_app.calendar.entries import CalendarEntry, load_entries
from events_app.calendar.feed_cache import FeedCache, current_feed
from events_app.calendar.feeds import (
    FeedDocument,
    FeedKind,
    FeedScope,
    feed_head,
    in_feed_window,
    in_scope,
)
from events_app.calendar.ics import PRODID, REFRESH_INTERVAL, head_bytes
from events_app.calendar.vevent import CalendarSite, build_vevent, calendar_site, serialised_vevent
from events_app.calendar.vtimezone import timezone_bytes
from events_app.config import load_settings
from events_app.db import Database
from events_app.events.editing import save_event
from events_app.events.schemas import EventCreate
from events_app.models import Event
from events_app.timezones import zone
from tests.support.routes import site_urls

FEED_EVENTS = 1000
TARGET_MS = 50.0
SCOPE = FeedScope(FeedKind.site)
MOVE = timedelta(hours=1)


@dataclass
class Timing:
    """One phase: wall and CPU milliseconds per sample."""

    name: str
    wall_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.wall_ms)

    @property
    def worst(self) -> float:
        return max(self.wall_ms)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu_ms)


@dataclass
class Bench:
    """What every phase shares: the database, the site and the process's feed cache."""

    db: Database
    site: CalendarSite
    max_events: int
    events: int
    cache: FeedCache = field(default_factory=FeedCache)

    def feed(self) -> FeedDocument:
        """What the /events.ics view does: one read session, `current_feed`."""
        with self.db.read() as session:
            document = current_feed(
                session=session,
                now=datetime.now(UTC),
                scope=SCOPE,
                site=self.site,
                cache=self.cache,
                max_events=self.max_events,
            )
        if document is None:
            raise RuntimeError("the site feed does not exist")
        return document


def timed(timing: Timing, function: Callable[[], Any]) -> Any:
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    timing.cpu_ms.append((time.process_time() - cpu) * 1000)
    timing.wall_ms.append((time.perf_counter() - wall) * 1000)
    return result


class OtherWork:
    """CPU used by anything other than this process while a phase ran, in cores: on a shared
    machine, someone else's work makes wall-clock times longer than the work they measure."""

    def __init__(self) -> None:
        self._start = cpu_sample(os.getpid())

    def cores(self) -> float | None:
        end = cpu_sample(os.getpid())
        if self._start is None or end is None or end.wall <= self._start.wall:
            return None
        others = (end.machine - self._start.machine) - (end.own - self._start.own)
        return max(0.0, others / (end.wall - self._start.wall))


def check_feed(document: FeedDocument, events: int) -> None:
    vevents = document.body.count(b"BEGIN:VEVENT")
    if document.event_count != events or vevents != events:
        raise RuntimeError(
            f"the feed holds {document.event_count} events ({vevents} VEVENTs), expected {events}"
        )


# --- one change ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    uid: str
    sequence: int
    dtstart: bytes  # the local wall-clock time the VEVENT must now start at


def move_event(db: Database, slug: str) -> Change:
    """Move the event's start and end one hour later, as an editor would: through save_event,
    in one write transaction (SEQUENCE and the calendar version rise)."""
    with db.write() as session:
        event = session.scalar(select(Event).where(col(Event.slug) == slug))
        if event is None:
            raise RuntimeError(f"no event {slug!r}")
        # Every field of the edit form, read back from the row, as an editor's save sends it.
        values = {name: getattr(event, name) for name in EventCreate.model_fields}
        values["categories"] = [category.name for category in event.categories]
        values["articles"] = [article.slug for article in event.articles]
        values["starts_at"] = event.starts_at + MOVE
        values["ends_at"] = event.ends_at + MOVE
        data = EventCreate.model_validate(values)
        event = save_event(session=session, now=datetime.now(UTC), data=data, event=event)
        local = event.starts_at.astimezone(zone(event.timezone))
        return Change(event.uid, event.sequence, local.strftime("%Y%m%dT%H%M%S").encode())


def check_change(body: bytes, change: Change) -> None:
    """The changed event's VEVENT, found by its UID, shows the new start and SEQUENCE."""
    at = body.find(b"\r\nUID:" + change.uid.encode() + b"\r\n")
    if at < 0:
        raise RuntimeError(f"the rebuilt feed lacks the changed event {change.uid}")
    begin = body.rfind(b"BEGIN:VEVENT\r\n", 0, at)
    end = body.find(b"END:VEVENT\r\n", at)
    vevent = body[begin:end]
    sequence = b"\r\nSEQUENCE:%d\r\n" % change.sequence
    start = next((line for line in vevent.split(b"\r\n") if line.startswith(b"DTSTART")), b"")
    if sequence not in vevent or change.dtstart not in start:
        raise RuntimeError(
            f"the rebuilt feed shows an old version of {change.uid}: {start!r}, "
            f"expected SEQUENCE {change.sequence} and a start at {change.dtstart!r}"
        )


def slugs_to_change(db: Database, repeats: int) -> list[str]:
    """Events spread over the whole feed, a different one each time (while there are enough),
    with a stride prime to the seed's cycles of topics, venues and formats."""
    with db.read() as session:
        slugs = list(session.scalars(select(col(Event.slug)).order_by(col(Event.starts_at))))
    return [slugs[(7 + i * 47) % len(slugs)] for i in range(repeats)]


# --- the two ways of building from nothing -------------------------------------------------


def plain_icalendar(bench: Bench) -> bytes:
    """The baseline: the feed's events and head as plain icalendar would build them, with the
    same query for the entries and the same VEVENTs (build_vevent: Event.new and its fields)."""
    with bench.db.read() as session:
        now = datetime.now(UTC)
        head = feed_head(session=session, now=now, scope=SCOPE, site=bench.site)
        assert head is not None
        entries = load_entries(
            session=session,
            now=now,
            where=and_(in_feed_window(now), in_scope(SCOPE)),
            limit=bench.max_events,
        )
    calendar = Calendar.new(
        prodid=PRODID,
        calscale="GREGORIAN",
        method=head.method,
        name=head.name,
        description=head.description,
        url=head.url,
        uid=uuid.uuid5(uuid.NAMESPACE_URL, head.source),
        refresh_interval=REFRESH_INTERVAL,
        source=head.source,
        subcomponents=[
            build_vevent(entry, bench.site, stamp=entry.updated_at) for entry in entries
        ],
    )
    first, last = _year_span(entries)
    calendar.add_missing_timezones(first_date=first, last_date=last)
    return calendar.to_ical()


def _year_span(entries: list[CalendarEntry]) -> tuple[date, date]:
    # The same transitions our feed writes (ics.timezones_needed): the default, 1970-2038,
    # would make the baseline slower and its file bigger for reasons that are not the point.
    first = min(entry.starts_at.year for entry in entries) - 1
    last = max(entry.ends_at.year for entry in entries) + 2
    return date(first, 1, 1), date(last, 1, 1)


def clear_memos() -> None:
    serialised_vevent.cache_clear()
    head_bytes.cache_clear()
    timezone_bytes.cache_clear()


def cold_build(bench: Bench) -> FeedDocument:
    """Our own build with nothing remembered: a new process's first poll."""
    clear_memos()
    bench.cache = FeedCache()
    return bench.feed()


# --- the run -------------------------------------------------------------------------------


@dataclass
class Result:
    events: int
    feed_bytes: int
    baseline_bytes: int
    timings: dict[str, Timing]
    other_work: dict[str, float | None]  # cores used by other processes, per phase

    @property
    def met(self) -> bool:
        return self.timings["rebuild"].median <= TARGET_MS

    def ratio(self, name: str) -> float:
        """How many rebuilds-after-one-change fit in one build from nothing."""
        return self.timings[name].median / self.timings["rebuild"].median


def run(
    *, events: int, repeats: int, cold_repeats: int, quiet_wait: float, workdir: Path
) -> Result:
    url = f"sqlite:///{workdir / 'feed.db'}"
    print(f"seeding {events} live events into {url}", flush=True)
    seed_database(url, datetime.now(UTC), count=events)
    settings = load_settings(
        database_url=url, env="production", secret_key="x" * 40, log_level="warning",
        feed_max_events=max(FEED_EVENTS, events),
    )  # fmt: skip
    bench = Bench(
        Database.from_url(url),
        calendar_site(settings, site_urls(settings)),
        settings.feed_max_events,
        events,
    )
    timings = {name: Timing(name) for name in ("unchanged", "rebuild", "icalendar", "cold")}
    try:
        # Warm: build once (imports, Markdown, timezones), then as the app does at start-up,
        # keep what lives as long as the process out of the collector's full passes.
        document = bench.feed()
        check_feed(document, events)
        gc.collect()
        gc.freeze()
        for _ in range(max(repeats, 5)):
            if timed(timings["unchanged"], bench.feed) is not document:
                raise RuntimeError("an unchanged feed was built again")

        other_work: dict[str, float | None] = {}
        if quiet_wait > 0:
            wait_for_quiet(os.getpid(), quiet_wait)
        watch = OtherWork()
        for number, slug in enumerate(slugs_to_change(bench.db, repeats), start=1):
            change = move_event(bench.db, slug)
            builds = bench.cache.builds
            new = timed(timings["rebuild"], bench.feed)
            if bench.cache.builds != builds + 1 or new.body == document.body:
                raise RuntimeError("the feed was not rebuilt after a change")
            check_feed(new, events)
            check_change(new.body, change)
            document = new
            print(f"  rebuild {number}/{repeats}: {timings['rebuild'].wall_ms[-1]:6.1f} ms"
                  f"  ({slug})", flush=True)  # fmt: skip
        other_work["rebuild"] = watch.cores()

        baseline = b""
        busy: list[float] = []
        for _ in range(cold_repeats):
            if quiet_wait > 0:
                wait_for_quiet(os.getpid(), quiet_wait)
            watch = OtherWork()
            baseline = timed(timings["icalendar"], lambda: plain_icalendar(bench))
            if baseline.count(b"BEGIN:VEVENT") != events:
                raise RuntimeError("the icalendar baseline does not hold every event")
            cold = timed(timings["cold"], lambda: cold_build(bench))
            check_feed(cold, events)
            if cold.body != document.body:
                raise RuntimeError("a cold build differs from the rebuilt feed")
            cores = watch.cores()
            if cores is not None:
                busy.append(cores)
        other_work["from nothing"] = max(busy, default=None)
        return Result(events, len(document.body), len(baseline), timings, other_work)
    finally:
        gc.unfreeze()
        bench.db.dispose()


LABELS = {
    "unchanged": "unchanged feed: version check + cache hit",
    "rebuild": "rebuild after one event changed",
    "icalendar": "build from nothing, plain icalendar",
    "cold": "build from nothing, ours (memos cleared)",
}


def report(result: Result) -> None:
    print(f"\nsite feed, {result.events} events, {result.feed_bytes:,} bytes "
          f"(plain icalendar: {result.baseline_bytes:,} bytes)")  # fmt: skip
    print(f"{'':<44}{'median ms':>10}{'max ms':>9}{'CPU ms':>8}{'runs':>6}  "
          f"{'x rebuild':>9}")  # fmt: skip
    for name, timing in result.timings.items():
        line = (f"{LABELS[name]:<44}{timing.median:>10.2f}{timing.worst:>9.2f}"
                f"{timing.cpu_median:>8.2f}{len(timing.wall_ms):>6}")  # fmt: skip
        if name in ("icalendar", "cold"):
            line += f"  {result.ratio(name):>8.1f}x"
        print(line)
    rebuild = result.timings["rebuild"]
    verdict = "PASS" if result.met else "FAIL"
    print(f"\ntarget: rebuild after one change <= {TARGET_MS:g} ms (median): "
          f"{rebuild.median:.1f} ms, {verdict}; "
          f"{rebuild.median / result.timings['icalendar'].median:.1%} of the plain icalendar "
          "build")  # fmt: skip
    if rebuild.worst > TARGET_MS:
        print(f"WARNING: the slowest rebuild took {rebuild.worst:.1f} ms, over the target")
    for phase, cores in result.other_work.items():
        if cores is not None and cores > BUSY_MACHINE:
            print(f"WARNING: other processes used {cores:.2f} cores during the {phase} phase; "
                  "wall-clock times are not reliable, run again on a quiet machine")  # fmt: skip


def to_json(result: Result) -> dict[str, Any]:
    return {
        "machine": {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "icalendar": icalendar_version,
            "cpus_allowed": sorted(os.sched_getaffinity(0)),
        },
        "events": result.events,
        "feed_bytes": result.feed_bytes,
        "baseline_bytes": result.baseline_bytes,
        "results": {
            name: {
                "median_ms": timing.median,
                "max_ms": timing.worst,
                "cpu_median_ms": timing.cpu_median,
                **asdict(timing),
            }
            for name, timing in result.timings.items()
        },
        "ratios": {name: result.ratio(name) for name in ("icalendar", "cold")},
        "other_work_cores": result.other_work,
        "target_ms": TARGET_MS,
        "target_met": result.met,
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=FEED_EVENTS, help="events in the feed")
    parser.add_argument("--repeats", type=int, default=20, help="changes timed (20)")
    parser.add_argument(
        "--cold-repeats", type=int, default=3, help="builds from nothing timed, each way (3)"
    )
    parser.add_argument(
        "--quiet-wait", type=float, default=0.0, metavar="SECONDS",
        help="before each phase, wait up to this long for other work on the machine to stop (0)",
    )  # fmt: skip
    parser.add_argument("--strict", action="store_true", help="exit 1 when the target is missed")
    parser.add_argument("--json", type=Path, dest="json_path", help="also write results here")
    args = parser.parse_args(argv)
    if min(args.events, args.repeats, args.cold_repeats) < 1:
        parser.error("--events, --repeats and --cold-repeats must be positive")
    if args.quiet_wait < 0:
        parser.error("--quiet-wait cannot be negative")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="events-feed-bench-") as workdir:
        result = run(
            events=args.events,
            repeats=args.repeats,
            cold_repeats=args.cold_repeats,
            quiet_wait=args.quiet_wait,
            workdir=Path(workdir),
        )
    report(result)
    if args.json_path:
        args.json_path.parent.mkdir(parents=True, exist_ok=True)
        args.json_path.write_text(json.dumps(to_json(result), indent=2) + "\n")
        print(f"results written to {args.json_path}")
    return 1 if args.strict and not result.met else 0


if __name__ == "__main__":
    sys.exit(main())
