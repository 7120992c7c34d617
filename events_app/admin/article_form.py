"""The article form: what it shows for a new or an existing article, and how what comes back
becomes an ArticleCreate (the schema the import uses) plus the events to link, or a Problem
per field. The publication moment is entered in the site's timezone (EVENTS_TIMEZONE), as
the site prints article dates; empty means "now" for a new article."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy import case, select
from sqlmodel import Session, col

from events_app.admin.cover_form import alt_problem, read_cover
from events_app.admin.form_errors import (
    MAX_CHOICES,
    FormInput,
    schema_problems,
    slug_from,
    text,
    texts,
)
from events_app.admin.local_times import Problem, resolve_instant, wall_value
from events_app.events.schemas import ArticleCreate
from events_app.models import Article, Category, Event

TEXT_FIELDS = ("slug", "title", "summary", "body", "author", "published_at", "published_at_offset")
RESERVED_SLUGS = {"new"}  # /admin/articles/new is the form for a new article
Form = dict[str, Any]


@dataclass(frozen=True)
class Choices:
    categories: list[str]
    events: list[tuple[str, str]]  # (slug, title), upcoming first

    @property
    def category_options(self) -> list[tuple[str, str]]:
        return [(name, name) for name in self.categories]


def load_choices(*, session: Session, now: Any) -> Choices:
    names = session.scalars(select(col(Category.name)).order_by(col(Category.name))).all()
    upcoming = col(Event.ends_at) > now
    events = session.execute(
        select(col(Event.slug), col(Event.title)).order_by(
            case((upcoming, 0), else_=1), col(Event.starts_at)
        )
    ).all()
    return Choices(list(names), [(slug, title) for slug, title in events])


def blank_form() -> Form:
    form: Form = dict.fromkeys(TEXT_FIELDS, "")
    form.update(categories=[], events=[], image="", image_alt="", image_remove=False)
    return form


def form_from_article(article: Article, tz: ZoneInfo) -> Form:
    form = blank_form()
    form.update({name: getattr(article, name) for name in ("slug", "title", "summary", "body")})
    form["author"] = article.author
    form["published_at"], form["published_at_offset"] = wall_value(article.published_at, tz)
    form["categories"] = [category.name for category in article.categories]
    form["events"] = [event.slug for event in article.events]
    form.update(image=article.image, image_alt=article.image_alt)
    return form


def read_form(raw: FormInput) -> Form:
    form: Form = {name: text(raw, name) for name in TEXT_FIELDS}
    form["categories"] = texts(raw, "categories")[: MAX_CHOICES + 1]
    form["events"] = texts(raw, "events")[: MAX_CHOICES + 1]
    read_cover(raw, form)
    return form


def to_article_create(
    form: Form, *, tz: ZoneInfo, choices: Choices
) -> tuple[ArticleCreate | None, dict[str, Problem]]:
    problems: dict[str, Problem] = {}
    if not form["slug"].strip():
        form["slug"] = slug_from(form["title"])
    if form["slug"].strip() in RESERVED_SLUGS:
        problems["slug"] = Problem("reserved")
    published_at, problem = resolve_instant(form["published_at"], tz, form["published_at_offset"])
    if problem is not None:
        problems["published_at"] = problem
    allowed = {"categories": choices.categories, "events": [s for s, _t in choices.events]}
    for name, known in allowed.items():
        if len(form[name]) > MAX_CHOICES:
            problems[name] = Problem("too_many")
        elif set(form[name]) - set(known):
            problems[name] = Problem("choice")
    values = {name: form[name] for name in ("slug", "title", "summary", "body", "author")}
    values.update(published_at=published_at, categories=form["categories"])
    values.update(image=form["image"], image_alt=form["image_alt"])
    if problem := alt_problem(form):
        problems["image_alt"] = problem
    try:
        data = ArticleCreate.model_validate(values)
    except ValidationError as exc:
        for name, found in schema_problems(exc, values).items():
            problems.setdefault(name, found)
        return None, problems
    return (None, problems) if problems else (data, problems)
