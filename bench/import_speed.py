"""`events-app import` of a large JSON file into SQLite, against a raw executemany of the same
rows, in the same run.

In-process, no HTTP: a fresh migrated SQLite database per measurement (WAL, as the app opens
it), and a file of N events (16,000 by default) naming 40 articles from the same file and 24
categories, written as `events-app export` writes it. Measured, in this order:

  baseline   the same event rows and category and article links inserted with sqlite3's
             executemany in one transaction, values already converted: what the disk and SQLite
             cost, with nothing checked
  import     the file imported as the command does it (`read_document` + `import_document` in
             one write transaction, commit included): JSON parsing, every record validated
             first, then the writes
  again      the same file imported again: every record matched and found unchanged

Target: the import runs at 1,000 events per second or more (issue 13: 16,000 events took 31 s).
The ratio to the baseline is printed beside it, so that a slow disk or a busy machine shows in
both. It exits 0 unless something broke; `--strict` makes a missed target exit 1.
`bench/run.py` runs it after the feed rebuild.

    .venv/bin/python bench/import_speed.py [--events 16000] [--json PATH] [--strict]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from events_app.db import Database
from events_app.markdown import render
from events_app.migrate import upgrade_database
from events_app.models import new_event_uid
from events_app.transfer.commands import read_document
from events_app.transfer.service import ImportReport, import_document
from tests.support.routes import site_urls

EVENTS = 16_000
ARTICLES = 40
CATEGORIES = [f"Topic {n}" for n in range(24)]
TARGET_PER_SECOND = 1000.0
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
_ZONES = ["Europe/Berlin", "Asia/Shanghai", "America/New_York", "UTC"]


def event_record(number: int) -> dict[str, Any]:
    start = (NOW + timedelta(hours=7 * number)).replace(minute=0, second=0)
    return {
        "slug": f"event-{number}",
        "title": f"Event number {number}",
        "summary": "A summary of the event, one sentence long.",
        "description": f"A *description* of event {number}, with [a link](https://x.org/{number}).",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=2)).isoformat(),
        "timezone": _ZONES[number % len(_ZONES)],
        "all_day": False,
        "venue": f"Room {number % 50}",
        "address": "1 Science Road",
        "online_url": "",
        "format": "in_person",
        "capacity": 40 + number % 60,
        "status": "published",
        "publish_at": None,
        "categories": [CATEGORIES[number % 24], CATEGORIES[(number * 7 + 3) % 24]],
        "articles": [f"article-{number % ARTICLES}"] if number % 3 == 0 else [],
        "uid": f"event-{number}@bench",
        "sequence": number % 4,
    }


def article_record(number: int) -> dict[str, Any]:
    return {
        "slug": f"article-{number}",
        "title": f"Article {number}",
        "summary": "",
        "body": "Body.",
        "author": "A. Writer",
        "published_at": (NOW - timedelta(days=number)).isoformat(),
        "categories": [CATEGORIES[number % 24]],
    }


def document(events: int) -> bytes:
    data = {
        "articles": [article_record(n) for n in range(ARTICLES)],
        "events": [event_record(n) for n in range(events)],
    }
    return json.dumps(data, indent=2).encode()


def fresh_database(workdir: Path, name: str) -> Path:
    path = workdir / f"{name}.db"
    upgrade_database(f"sqlite:///{path}")
    return path


def timed(work: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def run_import(path: Path, data: bytes) -> ImportReport:
    db = Database.from_url(f"sqlite:///{path}")
    try:
        with db.write() as session:
            incoming = read_document(
                data, session=session, urls=site_urls("https://events.example.org")
            )
            return import_document(session=session, now=NOW, document=incoming)
    finally:
        db.dispose()


def raw_insert(path: Path, events: int) -> tuple[float, float]:
    """The rows the import writes, by sqlite3 executemany in one transaction, with the values
    prepared before the clock starts: the floor under any import."""
    stamp = NOW.replace(tzinfo=None).isoformat(sep=" ")
    records = [event_record(n) for n in range(events)]
    # The rendered description too: prepared like every other value, so the floor stays a
    # floor (the import renders each description as it writes it).
    rendered = [render(r["description"]) for r in records]
    rows = [
        (new_event_uid(), r["slug"], r["title"], r["summary"], r["description"], page.html,
         page.text, stamp, stamp, r["timezone"], 0, r["venue"], r["address"], "", "in_person",
         r["capacity"], "published", "", "", 0, 24, stamp, stamp)
        for r, page in zip(records, rendered, strict=True)
    ]  # fmt: skip
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("PRAGMA foreign_keys=ON")
    categories = [(f"topic-{n}", name) for n, name in enumerate(CATEGORIES)]
    articles = [(f"article-{n}", f"Article {n}", stamp, stamp, stamp) for n in range(ARTICLES)]

    def insert() -> None:
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany("INSERT INTO category (slug, name) VALUES (?, ?)", categories)
        connection.executemany(
            "INSERT INTO article (slug, title, summary, body, body_html, body_text, author,"
            " published_at, created_at, updated_at) VALUES (?, ?, '', '', '', '', '', ?, ?, ?)",
            articles,
        )
        connection.executemany(
            "INSERT INTO event (uid, slug, title, summary, description, description_html,"
            " description_text, starts_at, ends_at, timezone, all_day, venue, address,"
            " online_url, format, capacity, status, status_reason, organizer, sequence,"
            f" reminder_hours, created_at, updated_at) VALUES ({', '.join('?' * 23)})",
            rows,
        )
        links = [(n + 1, 1 + n % 24) for n in range(events)]
        links += [
            (n + 1, 1 + (n * 7 + 3) % 24) for n in range(events) if n % 24 != (n * 7 + 3) % 24
        ]
        connection.executemany("INSERT INTO event_category VALUES (?, ?)", links)
        articles_links = [(n + 1, 1 + n % ARTICLES) for n in range(0, events, 3)]
        connection.executemany("INSERT INTO event_article VALUES (?, ?)", articles_links)
        connection.execute("COMMIT")

    try:
        return timed(insert)
    finally:
        connection.close()


def measure(events: int) -> dict[str, Any]:
    data = document(events)
    with tempfile.TemporaryDirectory(prefix="events-import-bench-") as name:
        workdir = Path(name)
        baseline = raw_insert(fresh_database(workdir, "baseline"), events)
        target = fresh_database(workdir, "import")
        reports: list[ImportReport] = []
        first = timed(lambda: reports.append(run_import(target, data)))
        again = timed(lambda: reports.append(run_import(target, data)))
    created = sum(kind == "event" for kind, _slug in reports[0].created)
    unchanged = sum(kind == "event" for kind, _slug in reports[1].unchanged)
    if created != events or unchanged != events:
        raise RuntimeError(
            f"imported {created} events, then {unchanged} unchanged; expected {events}"
        )
    rows = {"baseline": baseline, "import": first, "again": again}
    return {
        "events": events,
        "file_bytes": len(data),
        "results": {
            name: {"wall_s": wall, "cpu_s": cpu, "events_per_s": events / wall}
            for name, (wall, cpu) in rows.items()
        },
        "import_of_baseline": rows["baseline"][0] / rows["import"][0],
        "target_events_per_s": TARGET_PER_SECOND,
        "target_met": events / rows["import"][0] >= TARGET_PER_SECOND,
    }


def print_report(result: dict[str, Any]) -> None:
    print(f"{'':<10}{'seconds':>10}{'CPU s':>10}{'events/s':>12}")
    for name, row in result["results"].items():
        print(f"{name:<10}{row['wall_s']:>10.2f}{row['cpu_s']:>10.2f}{row['events_per_s']:>12.0f}")
    verdict = "PASS" if result["target_met"] else "FAIL"
    speed = result["results"]["import"]["events_per_s"]
    print(f"import of {result['events']:,} events: {speed:,.0f} events/s "
          f"({result['import_of_baseline']:.1%} of raw executemany), "
          f"target >= {TARGET_PER_SECOND:,.0f}/s: {verdict}")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=EVENTS, help=f"events in the file ({EVENTS})")
    parser.add_argument("--json", type=Path, dest="json_path", help="also write results here")
    parser.add_argument("--strict", action="store_true", help="exit 1 when the target is missed")
    args = parser.parse_args(argv)
    if args.events < 1:
        parser.error("--events must be positive")
    result = measure(args.events)
    print_report(result)
    if args.json_path:
        args.json_path.write_text(json.dumps(result, indent=2) + "\n")
    return 1 if args.strict and not result["target_met"] else 0


if __name__ == "__main__":
    sys.exit(main())
