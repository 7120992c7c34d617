"""Finding, creating, renaming and deleting categories.

A category's slug is made from its name once and then kept: renaming changes what pages say,
not the addresses (`/categories/{slug}`) or the calendar feeds people have subscribed to. So
a name is found by the name itself first and by its slug second, and no two categories may
share a name, or a name one of whose slug another category has.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlmodel import Session, col

from events_app.content import mark_calendar_changed
from events_app.models import ArticleCategory, Category, EventCategory
from events_app.plain_text import is_single_line
from events_app.slugs import slugify as make_slug

MAX_NAME_LENGTH = 120


class CategoryRefused(ValueError):
    """`code`: 'taken' (the name, or its slug, is another category's), 'in_use' (events or
    articles still have it), 'required', 'too_long', 'single_line'."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class CategoryUse:
    category: Category
    events: int
    articles: int

    @property
    def in_use(self) -> bool:
        return bool(self.events or self.articles)


def slugify(name: str) -> str:
    """A category's slug: the one rule (events_app.slugs), at most 80 characters."""
    return make_slug(name, max_length=80) or "category"


def ensure_categories(*, session: Session, names: list[str]) -> list[Category]:
    wanted: dict[str, str] = {}
    for name in names:
        wanted.setdefault(slugify(name), name.strip())
    if not wanted:
        return []
    rows = session.scalars(
        select(Category).where(
            or_(col(Category.slug).in_(wanted), col(Category.name).in_(wanted.values()))
        )
    ).all()
    by_name = {c.name: c for c in rows}
    found = {c.slug: c for c in rows}
    chosen: list[Category] = []
    for slug, name in wanted.items():
        category = by_name.get(name) or found.get(slug)
        if category is None:
            category = found[slug] = Category(slug=slug, name=name)
            session.add(category)
        if category not in chosen:
            chosen.append(category)
    session.flush()
    return chosen


def category_uses(*, session: Session) -> list[CategoryUse]:
    """Every category by name, with how many events and articles have it."""
    events = (
        select(func.count())
        .where(col(EventCategory.category_id) == col(Category.id))
        .scalar_subquery()
    )
    articles = (
        select(func.count())
        .where(col(ArticleCategory.category_id) == col(Category.id))
        .scalar_subquery()
    )
    rows = session.execute(select(Category, events, articles).order_by(col(Category.name)))
    return [CategoryUse(category, int(e or 0), int(a or 0)) for category, e, a in rows]


def find_category(*, session: Session, slug: str) -> Category | None:
    return session.scalar(select(Category).where(col(Category.slug) == slug))


def _check_free(session: Session, name: str, slug: str, *, keep: Category | None) -> None:
    if not name:
        raise CategoryRefused("required")
    if len(name) > MAX_NAME_LENGTH:
        raise CategoryRefused("too_long")
    if not is_single_line(name):
        raise CategoryRefused("single_line")
    clash = session.scalars(
        select(Category).where(
            or_(col(Category.name) == name, col(Category.slug) == slug),
        )
    ).all()
    if any(other is not keep for other in clash):
        raise CategoryRefused("taken")


def create_category(*, session: Session, now: datetime, name: str) -> Category:
    name = name.strip()
    slug = slugify(name)
    _check_free(session, name, slug, keep=None)
    category = Category(slug=slug, name=name)
    session.add(category)
    mark_calendar_changed(session=session, now=now)  # the category page exists from now on
    session.flush()
    return category


def rename_category(*, session: Session, now: datetime, category: Category, name: str) -> Category:
    """A new name, the same slug (see the module's docstring)."""
    name = name.strip()
    _check_free(session, name, slugify(name), keep=category)
    category.name = name
    mark_calendar_changed(session=session, now=now)  # pages and feeds print the name
    session.flush()
    return category


def delete_category(*, session: Session, now: datetime, category: Category) -> None:
    """Only an unused category goes: removing one from events and articles is their edit."""
    for link in (EventCategory, ArticleCategory):
        used = session.scalar(
            select(func.count()).select_from(link).where(col(link.category_id) == category.id)
        )
        if used:
            raise CategoryRefused("in_use")
    session.delete(category)
    mark_calendar_changed(session=session, now=now)
    session.flush()
