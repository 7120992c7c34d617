"""Alembic environment. The URL comes from the caller (events-app db upgrade sets it from
EVENTS_DATABASE_URL); SQLite gets batch mode so that later ALTERs work there too."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import events_app.models  # noqa: F401 - registers the tables on SQLModel.metadata
from events_app.db import create_db_engine
from events_app.migrate import is_modelled

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        include_name=is_modelled,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url is not set"
    # Foreign keys off on SQLite while tables are rebuilt (see create_db_engine), and checked
    # before the migration commits: nothing may be left pointing nowhere.
    engine = create_db_engine(url, pool_size=1, foreign_keys=False)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=sqlite,
            compare_type=True,
            include_name=is_modelled,
        )
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration left rows with broken references: {broken}")
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
