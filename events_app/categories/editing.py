"""Finding or creating categories by name."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlmodel import Session, col

from events_app.models import Category


def slugify(name: str) -> str:
    """Lowercase words joined by hyphens; letters of any script are kept (URLs carry them)."""
    slug = re.sub(r"[^\w]+", "-", name.strip().lower()).strip("-_")
    return slug.replace("_", "-")[:80] or "category"


def ensure_categories(*, session: Session, names: list[str]) -> list[Category]:
    wanted: dict[str, str] = {}
    for name in names:
        wanted.setdefault(slugify(name), name.strip())
    if not wanted:
        return []
    found = {
        c.slug: c
        for c in session.scalars(select(Category).where(col(Category.slug).in_(wanted))).all()
    }
    for slug, name in wanted.items():
        if slug not in found:
            found[slug] = Category(slug=slug, name=name)
            session.add(found[slug])
    session.flush()
    return [found[slug] for slug in wanted]
