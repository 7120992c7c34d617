"""The migrations build exactly the tables the models describe, and can be undone."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel

import events_app.models  # noqa: F401 - registers the tables on SQLModel.metadata
from events_app.migrate import downgrade_database, is_modelled, upgrade_database


def test_migrations_match_the_models(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": is_modelled}
        )
        assert compare_metadata(context, SQLModel.metadata) == []
    engine.dispose()


def test_downgrade_to_base_and_back(database_url: str) -> None:
    downgrade_database(database_url, "base")
    engine = create_engine(database_url)
    assert "event" not in inspect(engine).get_table_names()
    upgrade_database(database_url)
    assert "event" in inspect(engine).get_table_names()
    engine.dispose()
