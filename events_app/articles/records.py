"""An article as a record: what the audit trail stores and `events-app export` writes."""

from __future__ import annotations

from typing import Any

from events_app.models import Article

ARTICLE_KEYS = ("slug", "title", "summary", "body", "author", "published_at", "categories")


def article_record(article: Article) -> dict[str, Any]:
    return {
        "slug": article.slug,
        "title": article.title,
        "summary": article.summary,
        "body": article.body,
        "author": article.author,
        "published_at": article.published_at.isoformat(),
        "categories": [c.name for c in sorted(article.categories, key=lambda c: c.slug)],
    }
