"""Emptying the test run's PostgreSQL database between tests."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from tests.support.settings import TABLES


def empty_postgres(url: str) -> None:
    """Every table emptied and every id sequence restarted, as a fresh database has them.

    DELETE, not TRUNCATE: on tables this small it takes about 13 ms instead of about 170 ms
    (TRUNCATE replaces each table's files), which summed to minutes of the suite."""
    engine = create_engine(url)
    with engine.begin() as connection:
        for table in TABLES:  # children before parents
            connection.execute(text(f"DELETE FROM {table}"))
        sequences = connection.scalars(
            text("SELECT sequence_name FROM information_schema.sequences")
        ).all()
        for sequence in sequences:
            connection.execute(text(f'ALTER SEQUENCE "{sequence}" RESTART'))
        connection.execute(text("UPDATE site_state SET content_version = 0"))
    engine.dispose()
