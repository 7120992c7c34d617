"""a search index over each event's text (title, summary, categories, venue, address and the
description's plain text), kept up to date by triggers in the same transaction as each write

SQLite: an FTS5 table with the trigram tokenizer, one row per event (rowid = event id), one
column per field, each padded with a space at both ends.
PostgreSQL: pg_trgm, and a table of one row per event with its title, its short fields
("head": title, summary, categories, venue, address) and its whole text ("document", with
the description), under trigram GIN indexes and a full-text ('simple') GIN index.

Triggers, not Python, keep it current: every write path (back office, API, import, a
category renamed or deleted, an event deleted) changes it in the same transaction, and none
can forget to. events_app/events/search.py reads it; docs/features/search.md explains it.

SQLite caveat for later migrations: batch_alter_table("event" / "event_category" /
"category") rebuilds the table and so drops its triggers; such a migration must create them
again (the SQL below is importable from here).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _categories_of(event_id: str) -> str:
    return (
        "(' ' || (SELECT coalesce(group_concat(c.name, ' '), '') FROM event_category ec"
        f" JOIN category c ON c.id = ec.category_id WHERE ec.event_id = {event_id}) || ' ')"
    )


def _padded(*columns: str) -> str:
    # A space at both ends: a word at a field's start or end has its " ab" / "yz " trigrams,
    # as every other word has (events_app/events/search.py pads the query's words the same).
    return ", ".join(f"' ' || {column} || ' '" for column in columns)



SQLITE_UP = [
    "CREATE VIRTUAL TABLE event_search USING fts5("
    "title, summary, categories, venue, address, description, tokenize='trigram')",
    "INSERT INTO event_search (rowid, title, summary, categories, venue, address, description)"
    f" SELECT e.id, {_padded('e.title', 'e.summary')}, {_categories_of('e.id')},"
    f" {_padded('e.venue', 'e.address', 'e.description_text')} FROM event e",
    "CREATE TRIGGER event_search_insert AFTER INSERT ON event BEGIN"
    " INSERT INTO event_search"
    " (rowid, title, summary, categories, venue, address, description)"
    f" VALUES (NEW.id, {_padded('NEW.title', 'NEW.summary')}, {_categories_of('NEW.id')},"
    f" {_padded('NEW.venue', 'NEW.address', 'NEW.description_text')}); END",
    "CREATE TRIGGER event_search_update"
    " AFTER UPDATE OF title, summary, venue, address, description_text ON event BEGIN"
    " UPDATE event_search SET (title, summary, venue, address, description) ="
    f" ({_padded('NEW.title', 'NEW.summary', 'NEW.venue', 'NEW.address')},"
    f" {_padded('NEW.description_text')}) WHERE rowid = NEW.id; END",
    "CREATE TRIGGER event_search_delete AFTER DELETE ON event BEGIN"
    " DELETE FROM event_search WHERE rowid = OLD.id; END",
    "CREATE TRIGGER event_search_link AFTER INSERT ON event_category BEGIN"
    f" UPDATE event_search SET categories = {_categories_of('NEW.event_id')}"
    " WHERE rowid = NEW.event_id; END",
    # Also fires for the rows a deleted category or event takes with it (ON DELETE CASCADE).
    "CREATE TRIGGER event_search_unlink AFTER DELETE ON event_category BEGIN"
    f" UPDATE event_search SET categories = {_categories_of('OLD.event_id')}"
    " WHERE rowid = OLD.event_id; END",
    "CREATE TRIGGER event_search_category AFTER UPDATE OF name ON category BEGIN"
    f" UPDATE event_search SET categories = {_categories_of('event_search.rowid')}"
    " WHERE rowid IN (SELECT event_id FROM event_category WHERE category_id = NEW.id); END",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS event_search_category",
    "DROP TRIGGER IF EXISTS event_search_unlink",
    "DROP TRIGGER IF EXISTS event_search_link",
    "DROP TRIGGER IF EXISTS event_search_delete",
    "DROP TRIGGER IF EXISTS event_search_update",
    "DROP TRIGGER IF EXISTS event_search_insert",
    "DROP TABLE IF EXISTS event_search",
]

POSTGRES_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # Removed with its event; the triggers below fill and refresh it.
    "CREATE TABLE event_search ("
    " event_id integer PRIMARY KEY REFERENCES event (id) ON DELETE CASCADE,"
    " title text NOT NULL, head text NOT NULL, document text NOT NULL,"
    # Stored, not an expression index only: computing it again per row on a scan (which the
    # planner picks for a small table) cost ~0.4 ms per event.
    " words tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, document)) STORED)",
    # head: the short fields, where typos are forgiven (word similarity); document: all the
    # text with the description, for containment and the full-text match of words.
    "CREATE INDEX ix_event_search_head ON event_search USING gin (head gin_trgm_ops)",
    "CREATE INDEX ix_event_search_document ON event_search USING gin (document gin_trgm_ops)",
    "CREATE INDEX ix_event_search_words ON event_search USING gin (words)",
    # One event's row written afresh from its current columns and categories.
    "CREATE FUNCTION event_search_refresh(target integer) RETURNS void LANGUAGE sql AS $$"
    " INSERT INTO event_search (event_id, title, head, document)"
    " SELECT id, title, head, concat_ws(' ', head, description_text) FROM ("
    " SELECT e.id, e.title, e.description_text, concat_ws(' ', e.title, e.summary,"
    " (SELECT string_agg(c.name, ' ') FROM event_category ec"
    " JOIN category c ON c.id = ec.category_id WHERE ec.event_id = e.id),"
    " e.venue, e.address) AS head"
    " FROM event e WHERE e.id = target) AS fields"
    " ON CONFLICT (event_id) DO UPDATE SET title = EXCLUDED.title, head = EXCLUDED.head,"
    " document = EXCLUDED.document $$",
    "CREATE FUNCTION event_search_on_event() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN PERFORM event_search_refresh(NEW.id); RETURN NULL; END $$",
    "CREATE FUNCTION event_search_on_link() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN"
    " IF TG_OP <> 'INSERT' THEN PERFORM event_search_refresh(OLD.event_id); END IF;"
    " IF TG_OP <> 'DELETE' THEN PERFORM event_search_refresh(NEW.event_id); END IF;"
    " RETURN NULL; END $$",
    "CREATE FUNCTION event_search_on_category() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN PERFORM event_search_refresh(ec.event_id) FROM event_category ec"
    " WHERE ec.category_id = NEW.id; RETURN NULL; END $$",
    "CREATE TRIGGER event_search_event"
    " AFTER INSERT OR UPDATE OF title, summary, venue, address, description_text ON event"
    " FOR EACH ROW EXECUTE FUNCTION event_search_on_event()",
    "CREATE TRIGGER event_search_link AFTER INSERT OR UPDATE OR DELETE ON event_category"
    " FOR EACH ROW EXECUTE FUNCTION event_search_on_link()",
    "CREATE TRIGGER event_search_category AFTER UPDATE OF name ON category"
    " FOR EACH ROW EXECUTE FUNCTION event_search_on_category()",
    "SELECT event_search_refresh(id) FROM event",
]
# The extension stays: other databases objects may use it, and keeping it is harmless.
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS event_search_category ON category",
    "DROP TRIGGER IF EXISTS event_search_link ON event_category",
    "DROP TRIGGER IF EXISTS event_search_event ON event",
    "DROP FUNCTION IF EXISTS event_search_on_category()",
    "DROP FUNCTION IF EXISTS event_search_on_link()",
    "DROP FUNCTION IF EXISTS event_search_on_event()",
    "DROP TABLE IF EXISTS event_search",
    "DROP FUNCTION IF EXISTS event_search_refresh(integer)",
]


def _run(statements: list[str]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    _run(SQLITE_UP if sqlite else POSTGRES_UP)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    _run(SQLITE_DOWN if sqlite else POSTGRES_DOWN)
