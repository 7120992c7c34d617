"""The listing's text search: which events match a visitor's words, and how well.

It reads the search index that migration 0009 builds and its triggers keep current (an FTS5
trigram table on SQLite; a pg_trgm- and full-text-indexed table on PostgreSQL), as a
subquery of (event_id, rank) that the listing joins; a lower rank is a better match.
docs/features/search.md explains the matching to organisers and developers.

Two ways of matching, chosen by the query's length:
- under 3 characters ("AI", a two-character Chinese word): the text contains the query
  (LIKE); trigrams need three characters.
- 3 or more: every word of the query is in the event's text (description included), or the
  short fields (title, summary, categories, venue, address) are close enough to forgive a
  typo ("quantom" finds "Quantum"). Typos are forgiven in the short fields only: in a long
  description, the trigrams of nearly any short word occur somewhere, apart.
  SQLite: more than half of the query's trigrams occur in the short fields, counted one
  index lookup per trigram; ranked by the share found in the title (counted twice) plus the
  share found in the short fields.
  PostgreSQL: pg_trgm's word similarity (`<%`, at its default threshold of 0.6) against the
  short fields; ranked by the similarity to the title (counted twice) plus the similarity to
  the short fields.

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
# as pg_trgm does and as migration 0009 stores the fields) must occur in an event's short
# fields on SQLite. One wrong letter inside a word removes at most three of its trigrams, so
# more than half keeps one typo in a word of seven letters or more ("quantom": 4 of 7) and a
# missing letter in most words ("pyton": 3 of 5).
SHARE_NEEDED = 0.5
# The FTS5 columns (migration 0009) that typos are forgiven in.
SHORT_FIELDS = "{title summary categories venue address}"


def _sql(*parts: str) -> str:
    return " ".join(parts)


# Events and how many of the query's trigrams they hold: one index lookup per trigram, each
# trigram an FTS5 query of its own in the JSON array bound as :{name}.
def _trigram_hits(name: str) -> str:
    return _sql(
        f"{name} AS (SELECT event_search.rowid AS event_id, count(*) AS hits",
        f"FROM json_each(:{name}) AS gram JOIN event_search ON event_search MATCH gram.value",
        "GROUP BY event_search.rowid)",
    )


_SQLITE = {
    "contains": _sql(
        "SELECT rowid AS event_id,",
        "CASE WHEN (title || '') LIKE :pattern ESCAPE '\\' THEN 0 ELSE 1 END AS rank",
        # Not `title LIKE` on the FTS5 column itself: SQLite 3.40's trigram index then
        # answers a pattern of two Chinese characters with nothing.
        "FROM event_search WHERE (title || summary || categories || venue || address",
        "|| description) LIKE :pattern ESCAPE '\\'",
    ),
    "similar": _sql(
        f"WITH {_trigram_hits('short_grams')}, {_trigram_hits('title_grams')}",
        "SELECT found.event_id,",
        "-(2.0 * coalesce(in_title.hits, 0) + coalesce(in_short.hits, 0)) / :gram_count",
        "AS rank FROM (",
        "SELECT rowid AS event_id FROM event_search WHERE event_search MATCH :words",
        "UNION SELECT event_id FROM short_grams WHERE hits >= :needed) AS found",
        "LEFT JOIN short_grams AS in_short ON in_short.event_id = found.event_id",
        "LEFT JOIN title_grams AS in_title ON in_title.event_id = found.event_id",
    ),
}

_POSTGRES = {
    "contains": _sql(
        "SELECT event_id,",
        "CASE WHEN title ILIKE :pattern ESCAPE '\\' THEN 0 ELSE 1 END AS rank",
        "FROM event_search WHERE document ILIKE :pattern ESCAPE '\\'",
    ),
    "similar": _sql(
        "SELECT event_id,",
        "-(2 * word_similarity(:q, title) + word_similarity(:q, head)) AS rank",
        "FROM event_search WHERE :q <% head",
        "OR words @@ websearch_to_tsquery('simple'::regconfig, :q)",
        "OR document ILIKE :pattern ESCAPE '\\'",
    ),
}


def search_mode(q: str | None) -> SearchMode:
    words = (q or "").strip()
    if not words:
        return ""
    return "similar" if len(words) >= SHORTEST_SIMILAR else "contains"


def matches(dialect: str, mode: SearchMode) -> Subquery:
    """(event_id, rank) of the events matching the bound query; a lower rank is better."""
    sql = (_SQLITE if dialect == "sqlite" else _POSTGRES)[mode]
    return text(sql).columns(event_id=Integer, rank=Float).subquery("search")


def _like_pattern(words: str) -> str:
    escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def trigrams(words: str) -> list[str]:
    """The query's trigrams, each word padded with a space on both sides, in order, once.
    Not lowered: FTS5's trigram tokenizer folds the case of both sides itself."""
    grams: dict[str, None] = {}
    for word in words.split():
        padded = f" {word} "
        for start in range(len(padded) - 2):
            grams[padded[start : start + 3]] = None
    return list(grams)


def _quoted(text: str) -> str:
    # An FTS5 string: its syntax in the visitor's words ("NEAR", "*", "-", parentheses,
    # quotes, "column:") is then only text.
    return '"' + text.replace('"', '""') + '"'


def _all_words(words: str) -> str:
    """FTS5: every word of 3 characters or more contained; without any, the whole query."""
    long_words = [word for word in words.split() if len(word) >= SHORTEST_SIMILAR]
    return " AND ".join(_quoted(word) for word in long_words) or _quoted(words)


def parameters(q: str) -> dict[str, Any]:
    """The bound values of `matches` for this query (a superset; each dialect uses some)."""
    words = q.strip()
    values: dict[str, Any] = {"q": words, "pattern": _like_pattern(words)}
    if search_mode(words) == "similar":
        grams = trigrams(words)
        values |= {
            "words": _all_words(words),
            "short_grams": json.dumps([f"{SHORT_FIELDS} : {_quoted(g)}" for g in grams]),
            "title_grams": json.dumps([f"title : {_quoted(g)}" for g in grams]),
            "gram_count": len(grams),
            "needed": math.floor(SHARE_NEEDED * len(grams)) + 1,
        }
    return values
