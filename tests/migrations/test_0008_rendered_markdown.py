"""Migration 0008 stores every existing description and article body rendered (HTML and one
line of text), as saving them today would; the events keep their links and registrations
through SQLite's table rebuild; undone, the columns go again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import create_engine, inspect, select, text

from events_app.db import Database
from events_app.markdown import render
from events_app.migrate import downgrade_database, upgrade_database
from events_app.models import Article, Event, Registration
from events_app.registration.notify import Notifier
from tests.factories import make_article, make_event
from tests.registration.helpers import register

DESCRIPTION = "## Programme\n\nTalks, then [the map](https://map.example.org).\n\n- one\n- *two*"
BODY = "Read <script>alert(1)</script> **this**."


def _columns(database_url: str, table: str) -> set[str]:
    engine = create_engine(database_url)
    names = {column["name"] for column in inspect(engine).get_columns(table)}
    engine.dispose()
    return names


def test_existing_events_and_articles_get_their_rendered_text(
    database_url: str, db: Database, now: datetime, notifier: Notifier
) -> None:
    article = make_article(db, now, body=BODY)
    event = make_event(db, now, description=DESCRIPTION, categories=["Talks"])
    empty = make_event(db, now, description="")
    register(db, now, notifier, event.id, "ada@example.org")
    db.dispose()

    downgrade_database(database_url, "0007")
    assert not {"description_html", "description_text"} & _columns(database_url, "event")
    assert not {"body_html", "body_text"} & _columns(database_url, "article")

    upgrade_database(database_url)
    with db.read() as session:
        events = {e.slug: e for e in session.scalars(select(Event)).all()}
        stored_article = session.scalars(select(Article)).one()
        saved = events[event.slug]
        assert saved.description_html == render(DESCRIPTION).html
        assert "<h2>Programme</h2>" in saved.description_html
        assert saved.description_text == "Programme Talks, then the map. one two"
        assert (events[empty.slug].description_html, events[empty.slug].description_text) == (
            "",
            "",
        )
        assert stored_article.slug == article.slug
        assert stored_article.body_html == render(BODY).html
        assert "<script>" not in stored_article.body_html
        assert stored_article.body_text == render(BODY).text
        # SQLite rebuilt the tables: what hangs off an event is still there.
        assert [c.name for c in saved.categories] == ["Talks"]
        assert session.scalars(select(Registration)).one().event_id == saved.id
    engine = create_engine(database_url)
    for table, column in (("event", "description_html"), ("article", "body_text")):
        found = next(c for c in inspect(engine).get_columns(table) if c["name"] == column)
        assert found["nullable"] is False
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM event")).scalar() == 2
    engine.dispose()


def test_downgrade_drops_the_rendered_columns(
    database_url: str, db: Database, now: datetime
) -> None:
    make_event(db, now)
    db.dispose()
    downgrade_database(database_url, "0007")
    assert "description" in _columns(database_url, "event")
    assert "description_html" not in _columns(database_url, "event")
    upgrade_database(database_url)
    assert "description_html" in _columns(database_url, "event")
