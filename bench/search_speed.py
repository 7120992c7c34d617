"""How long a searched listing takes on 1,000 events (docs/features/search.md): the first page
of /events's query for a few kinds of query, on SQLite and, given a server, PostgreSQL.
Events have ~400-word descriptions, a few categories, and one in ten a Chinese title.

    .venv/bin/python bench/search_speed.py [--events 1000] [--repeats 7]
        [--postgres postgresql://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from events_app.db import Database
from events_app.events import listing
from events_app.events.editing import save_event
from events_app.events.listing import EventFilters
from events_app.events.schemas import EventCreate
from events_app.migrate import upgrade_database

NOW = datetime(2026, 12, 1, tzinfo=UTC)
# Every description draws 400 words from these: the worst case, where most events hold
# every searched word somewhere.
VOCABULARY = (
    "quantum lecture physics garden music history climate data open science evening talk "
    "workshop city library museum photography film poetry children family robotics energy "
    "ocean forest mountain river design architecture philosophy economics health sport"
)
WORDS = VOCABULARY.split()
CHINESE = ["量子力学讲座", "古典音乐会", "城市历史", "开放数据工作坊", "气候变化论坛"]
QUERIES = ["", "quantom", "quantum lecture", "philosophy", "qu", "量子", "量子力学", "xylophone"]


def _event(number: int, rng: random.Random) -> EventCreate:
    title = rng.choice(CHINESE) if number % 10 == 0 else " ".join(rng.sample(WORDS, 3)).capitalize()
    starts = NOW + timedelta(hours=number)
    return EventCreate.model_validate(
        {
            "slug": f"event-{number}",
            "title": title,
            "summary": " ".join(rng.choices(WORDS, k=12)),
            "description": " ".join(rng.choices(WORDS, k=400)),
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=2),
            "timezone": "UTC",
            "status": "published",
            "venue": f"{rng.choice(WORDS).capitalize()} Hall",
            "address": f"{number} {rng.choice(WORDS).capitalize()} Street",
            "categories": rng.sample(["Science", "Arts", "Family", "City", "Talks"], 2),
        }
    )


def seed(db: Database, count: int) -> float:
    rng = random.Random(14)
    start = time.perf_counter()
    with db.write() as session:
        for number in range(count):
            save_event(session=session, now=NOW, data=_event(number, rng))
    return time.perf_counter() - start


def measure(db: Database, repeats: int) -> dict[str, tuple[float, int]]:
    results = {}
    for q in QUERIES:
        times = []
        for _ in range(repeats):
            with db.read() as session:
                start = time.perf_counter()
                page = listing.list_upcoming_events(
                    session=session, now=NOW, filters=EventFilters(q=q or None)
                )
                times.append(time.perf_counter() - start)
        results[q] = (min(times) * 1000, page.total)
    return results


def report(name: str, db: Database, count: int, repeats: int) -> None:
    seconds = seed(db, count)
    print(f"{name}: {count} events saved (index kept by triggers) in {seconds:.1f} s")
    for q, (ms, total) in measure(db, repeats).items():
        print(f"  {q or '(no search)'!r:>20}: {ms:7.1f} ms, {total} found")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--postgres", default="", help="a server URL; a database is made")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'search.db'}"
        upgrade_database(url)
        db = Database.from_url(url)
        report("SQLite", db, args.events, args.repeats)
        db.dispose()
    if args.postgres:
        admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        name = f"search_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(args.postgres).set(database=name).render_as_string(hide_password=False)
        try:
            upgrade_database(url)
            db = Database.from_url(url)
            report("PostgreSQL", db, args.events, args.repeats)
            db.dispose()
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
