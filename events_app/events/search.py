"""The listing's text search: which events match a visitor's words, and how well.

It reads the search index that migration 0009 builds and its triggers keep current (an FTS5
trigram table on SQLite; a pg_trgm- and full-text-indexed table on PostgreSQL), as a
subquery of (event_id, rank) that the listing joins; a lower rank is a better match.
docs/features/search.md explains the matching to organisers and developers.

Two ways of matching, chosen by the query's length:
- under 3 characters ("AI", a two-character Chinese word): the text contains the query
  (LIKE); trigrams need three characters.
- 3 or more: the text contains the query, or it is close enough to forgive a typo
  ("quantom" finds "Quantum"). SQLite: the index finds every event sharing at least one of
  the query's trigrams, and those whose text holds more than half of them are kept, ranked
  by the share found in the title (counted twice) plus the share found in the whole text.
  PostgreSQL: pg_trgm's word similarity (`<%`, at its default threshold of 0.6) or the
  full-text match of the words, ranked by the similarity to the title (counted twice) plus
  the similarity to the whole text.

The SQL below is assembled from this module's constants only: every value from the visitor
is a bound parameter.
"""

from __future__ import annotations

import json
import math
from typing import Any, Literal

from sqlalchemy import Float, Integer, text
from sqlalchemy.sql.selectable import Subquery

SearchMode = Literal["", "contains", "similar"]

# Trigrams need three characters; shorter queries can only be looked for as they are.
SHORTEST_SIMILAR = 3
# More than this share of a query's trigrams (each word padded with a space on both sides,
# as pg_trgm does) must be in an event's text on SQLite. One wrong letter inside a word
# removes at most three of its trigrams, so more than half keeps one typo in a word of
# seven letters or more ("quantom": 4 of 7), a missing letter in most words ("pyton": 3 of
# 5), while a short word whose syllables occur apart stays out ("optics": 3 of 6 in
# "photonics ... description").
SHARE_NEEDED = 0.5

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

# Every FTS5 column in one string, with a space at both ends and between columns, lowered
# as SQLite lowers (ASCII only; the query is lowered the same way, see `_lower`). Line
# breaks become spaces, so that a word at a line's start still has its " ab" trigram.
_SQLITE_DOCUMENT = (
    "lower(replace(' ' || title || ' ' || summary || ' ' || categories || ' ' || venue"
    " || ' ' || address || ' ' || description || ' ', char(10), ' '))"
)

_SQLITE_TITLE = "lower(' ' || title || ' ')"


def _sqlite_count(where: str) -> str:
    return f"(SELECT count(*) FROM json_each(:grams) WHERE instr({where}, value) > 0)"  # noqa: S608


def _sql(*parts: str) -> str:
    return " ".join(parts)


_SQLITE = {
    "contains": _sql(
        "SELECT rowid AS event_id,",
        "CASE WHEN (title || '') LIKE :pattern ESCAPE '\\' THEN 0 ELSE 1 END AS rank",
        # Not `title LIKE` on the FTS5 column itself: SQLite 3.40's trigram index then
        # answers a pattern of two Chinese characters with nothing.
        f"FROM event_search WHERE {_SQLITE_DOCUMENT} LIKE :pattern ESCAPE '\\'",
    ),
    # The index narrows to events sharing a trigram with the query; the shares of the
    # query's trigrams found in the title and in the whole text then decide and rank.
    "similar": _sql(
        "SELECT event_id, -(2.0 * in_title + in_text) / :gram_count AS rank FROM (",
        f"SELECT rowid AS event_id, {_sqlite_count(_SQLITE_TITLE)} AS in_title,",
        f"{_sqlite_count(_SQLITE_DOCUMENT)} AS in_text,",
        f"instr({_SQLITE_DOCUMENT}, :needle) > 0 AS holds_query",
        "FROM event_search WHERE event_search MATCH :match)",
        "WHERE holds_query OR in_text >= :needed",
    ),
}

_POSTGRES = {
    "contains": (
        "SELECT event_id,"
        " CASE WHEN title ILIKE :pattern ESCAPE '\\' THEN 0 ELSE 1 END AS rank"
        " FROM event_search WHERE document ILIKE :pattern ESCAPE '\\'"
    ),
    # The expressions match the indexes of migration 0009, so that they can be used.
    "similar": (
        "SELECT event_id,"
        " -(2 * word_similarity(:q, title) + word_similarity(:q, document)) AS rank"
        " FROM event_search WHERE document ILIKE :pattern ESCAPE '\\'"
        " OR :q <% document"
        " OR to_tsvector('simple'::regconfig, document)"
        " @@ websearch_to_tsquery('simple'::regconfig, :q)"
    ),
}


def search_mode(q: str | None) -> SearchMode:
    words = (q or "").strip()
    if not words:
        return ""
    return "similar" if len(words) >= SHORTEST_SIMILAR else "contains"


def matches(dialect: str, mode: SearchMode) -> Subquery:
    """(event_id, rank) of the events matching the bound query, best first by rank."""
    sql = (_SQLITE if dialect == "sqlite" else _POSTGRES)[mode]
    return text(sql).columns(event_id=Integer, rank=Float).subquery("search")


def _lower(words: str) -> str:
    return words.translate(_ASCII_LOWER)


def _like_pattern(words: str) -> str:
    escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def trigrams(words: str) -> list[str]:
    """The query's trigrams, each word padded with a space on both sides, in order, once."""
    grams: dict[str, None] = {}
    for word in _lower(words).split():
        padded = f" {word} "
        for start in range(len(padded) - 2):
            grams[padded[start : start + 3]] = None
    return list(grams)


def _fts_query(grams: list[str]) -> str:
    # Every trigram a quoted string: FTS5 syntax in the visitor's words ("NEAR", "*", "-",
    # parentheses, quotes) is then only text.
    return " OR ".join('"' + gram.replace('"', '""') + '"' for gram in grams)


def parameters(q: str) -> dict[str, Any]:
    """The bound values of `matches` for this query (a superset; each dialect uses some)."""
    words = q.strip()
    values: dict[str, Any] = {"q": words, "pattern": _like_pattern(words)}
    if search_mode(words) == "similar":
        grams = trigrams(words)
        values |= {
            "match": _fts_query(grams),
            "grams": json.dumps(grams),
            "gram_count": len(grams),
            "needed": math.floor(SHARE_NEEDED * len(grams)) + 1,
            "needle": _lower(words),
        }
    return values
