"""Fifty live, upcoming, published events for the benchmark, written through the app's own
editing service so that the rows look exactly like the ones the site creates."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from events_app.db import Database
from events_app.events.editing import save_event
from events_app.events.schemas import EventCreate
from events_app.migrate import upgrade_database

EVENT_COUNT = 50

_TOPICS = [
    ("Open Research Infrastructure", "Open science"),
    ("Quantum Communication Networks", "Quantum technology"),
    ("Research Security and Openness", "Research policy"),
    ("AI for Climate Science", "Climate"),
    ("Joint Laboratories in Practice", "International cooperation"),
    ("Data Sharing Across Borders", "Open science"),
    ("Marine Observation Systems", "Climate"),
    ("Science Diplomacy Today", "International cooperation"),
    ("Funding International Projects", "Research policy"),
    ("Reproducible Computational Research", "Open science"),
]
_KINDS = ["Forum", "Workshop", "Public lecture", "Roundtable", "Summer school"]
_VENUES = [
    ("Zhongguancun Innovation Centre, Hall B", "Asia/Shanghai"),
    ("Haus der Wissenschaft, Room 3", "Europe/Berlin"),
    ("Science Centre Auditorium", "Asia/Singapore"),
    ("Marine Biological Laboratory, Lillie Auditorium", "America/New_York"),
    ("University Conference Centre, Room 204", "UTC"),
]
_FORMATS = ["in_person", "in_person", "hybrid", "online", "in_person"]


def event_values(number: int, now: datetime) -> dict[str, Any]:
    """One realistic event; `number` spreads them over the next months and over formats,
    venues, timezones and one or two categories each."""
    topic, category = _TOPICS[number % len(_TOPICS)]
    kind = _KINDS[number % len(_KINDS)]
    venue, timezone = _VENUES[number % len(_VENUES)]
    event_format = _FORMATS[(number // 2) % len(_FORMATS)]
    second_category = _TOPICS[(number + 3) % len(_TOPICS)][1]
    starts_at = (now + timedelta(days=2 + number * 2)).replace(
        hour=9 + number % 8, minute=0, second=0, microsecond=0
    )
    return {
        "slug": f"{topic} {kind} {number}".lower().replace(" ", "-"),
        "title": f"{topic}: {kind.lower()} {number}",
        "summary": (
            f"Researchers, funders and science journalists meet to discuss "
            f"{topic.lower()}, compare what worked in their own projects and agree on next steps."
        ),
        "description": "Short talks, then a moderated discussion.\n\nInterpretation provided.",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(minutes=90 + 30 * (number % 4)),
        "timezone": timezone,
        "venue": "" if event_format == "online" else venue,
        "online_url": "https://meet.example.org/live" if event_format != "in_person" else "",
        "format": event_format,
        "capacity": 40 + number * 5,
        "status": "published",
        "organizer": f"{category} Desk",
        "categories": sorted({category, second_category}),
    }


def seed_database(database_url: str, now: datetime, count: int = EVENT_COUNT) -> None:
    upgrade_database(database_url)
    db = Database.from_url(database_url)
    try:
        with db.write() as session:
            for number in range(1, count + 1):
                data = EventCreate.model_validate(event_values(number, now))
                save_event(session=session, now=now, data=data)
    finally:
        db.dispose()
