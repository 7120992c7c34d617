"""The categories an import names, resolved to ids from one query for the whole file: the
same rules as `ensure_categories` (a name is found by itself first, by its slug second, and
created when neither is stored), without a query per record."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlmodel import Session

from events_app.categories.editing import slugify
from events_app.models import Category

_CATEGORY = Category.__table__  # type: ignore[attr-defined]


class CategoryBook:
    """Every stored category by name and by slug, read once; new ones are written as met."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.by_name: dict[str, int] = {}
        self.by_slug: dict[str, int] = {}
        for category_id, slug, name in session.execute(
            select(_CATEGORY.c.id, _CATEGORY.c.slug, _CATEGORY.c.name)
        ):
            self.by_name[name] = self.by_slug[slug] = category_id

    def _create(self, slug: str, name: str) -> int:
        statement = insert(_CATEGORY).values(slug=slug, name=name).returning(_CATEGORY.c.id)
        category_id = int(self.session.execute(statement).scalar_one())
        self.by_name[name] = self.by_slug[slug] = category_id
        return category_id

    def ids(self, names: list[str]) -> list[int]:
        """The ids of `names`, in order, without repeats; missing categories are created."""
        wanted: dict[str, str] = {}
        for name in names:
            wanted.setdefault(slugify(name), name.strip())
        chosen: list[int] = []
        for slug, name in wanted.items():
            category_id = self.by_name.get(name) or self.by_slug.get(slug)
            if category_id is None:
                category_id = self._create(slug, name)
            if category_id not in chosen:
                chosen.append(category_id)
        return chosen
