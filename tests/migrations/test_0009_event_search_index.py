"""Migration 0009 indexes the events that exist when it runs (with their categories), and
undone it leaves no table, trigger or function behind, so that saving still works."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import create_engine, inspect, text

from events_app.db import Database
from events_app.events import listing
from events_app.events.listing import EventFilters
from events_app.migrate import downgrade_database, upgrade_database
from tests.factories import make_event


def _search(db: Database, now: datetime, q: str) -> list[str]:
    with db.read() as session:
        page = listing.list_upcoming_events(session=session, now=now, filters=EventFilters(q=q))
    return [event.slug for event in page.items]


def _leftovers(database_url: str) -> list[str]:
    engine = create_engine(database_url)
    names = [n for n in inspect(engine).get_table_names() if n.startswith("event_search")]
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            names += connection.scalars(
                text("SELECT name FROM sqlite_master WHERE name LIKE 'event_search%'")
            ).all()
        else:
            names += connection.scalars(
                text("SELECT proname FROM pg_proc WHERE proname LIKE 'event_search%'")
            ).all()
            names += connection.scalars(
                text("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'event_search%'")
            ).all()
    engine.dispose()
    return names


def test_events_saved_before_the_migration_are_found_after_it(
    database_url: str, db: Database, now: datetime
) -> None:
    # Saved at head (the models have later columns), then taken back to before 0009.
    make_event(db, now, slug="old", title="Quantum lecture", categories=["Astrophysics"])
    db.dispose()
    downgrade_database(database_url, "0008")
    assert _leftovers(database_url) == []

    upgrade_database(database_url)
    assert _search(db, now, "quantom") == ["old"]
    assert _search(db, now, "astrophysic") == ["old"]
    make_event(db, now, slug="new", title="Quantum again")
    assert _search(db, now, "quantom") == ["old", "new"]


def test_every_search_trigger_exists_at_head(database_url: str) -> None:
    # On SQLite, a later migration that rebuilds event, event_category or category
    # (batch_alter_table) drops that table's triggers: this says so before search goes stale.
    engine = create_engine(database_url)
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
            expected = {"insert", "update", "delete", "link", "unlink", "category"}
        else:
            query = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
            expected = {"event", "link", "category"}
        names = set(connection.scalars(text(query)).all())
    engine.dispose()
    assert {f"event_search_{name}" for name in expected} <= names
