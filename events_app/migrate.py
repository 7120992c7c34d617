"""Running Alembic from the application: `events-app db upgrade` and the test fixtures."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from events_app.resources import MIGRATIONS_DIR

# Tables the migrations own that no model describes: the search index (0009), an FTS5 table
# with its shadow tables on SQLite. Comparing the models with the database skips them.
UNMODELLED_TABLE_PREFIX = "event_search"


def is_modelled(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic's include_name hook: False for the tables above (and their indexes)."""
    return not (type_ == "table" and (name or "").startswith(UNMODELLED_TABLE_PREFIX))


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_database(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade_database(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)
