"""Importing a read file in one go: nothing is written unless every record passes its checks.
Matching records update what is stored; those that would change nothing are left alone (no
content change, no SEQUENCE bump) and reported as unchanged."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from events_app.articles.editing import save_article
from events_app.categories.editing import slugify
from events_app.content import mark_calendar_changed
from events_app.events.schemas import ArticleCreate, EventCreate
from events_app.models import Article, Event
from events_app.registration.event_changes import Told, as_told, notify_event_change
from events_app.registration.notify import Notifier
from events_app.transfer.categories import CategoryBook
from events_app.transfer.checking import ImportPlan, PlannedEvent, check_document
from events_app.transfer.records import Document
from events_app.transfer.writing import EventWriter

Done = tuple[str, str]  # ("article" | "event", slug)
Tick = Callable[[], object]


@dataclass
class ImportReport:
    created: list[Done] = field(default_factory=list)
    updated: list[Done] = field(default_factory=list)
    unchanged: list[Done] = field(default_factory=list)
    notified: int = 0  # emails queued to attendees of events whose time, place or status moved


def _same_categories(stored: list[str], names: list[str]) -> bool:
    # Categories are found by slug, so "open science" and "Open Science" are the same one.
    return set(stored) == {slugify(name) for name in names}


def event_unchanged(event: Event, data: EventCreate) -> bool:
    values = data.model_dump(exclude={"categories", "articles", "starts_at", "ends_at"})
    values.update(starts_at=data.starts_at_utc, ends_at=data.ends_at_utc)
    return (
        all(getattr(event, name) == value for name, value in values.items())
        and _same_categories([c.slug for c in event.categories], data.categories)
        and {article.slug for article in event.articles} == set(data.articles)
    )


def article_unchanged(article: Article, data: ArticleCreate) -> bool:
    # Without a published_at the stored one stays, so leaving it out changes nothing.
    values = data.model_dump(exclude={"categories"}, exclude_none=True)
    return all(getattr(article, name) == value for name, value in values.items()) and (
        _same_categories([c.slug for c in article.categories], data.categories)
    )


def _no_progress() -> None:
    return None


def _write_articles(
    plan: ImportPlan, report: ImportReport, *, session: Session, now: datetime, tick: Tick
) -> dict[str, int]:
    """Articles go first (events link to them), one by one: a file holds few. Returns the ids
    of every article the events may name."""
    article_ids = dict(plan.article_ids)
    for article in plan.articles:
        done = ("article", article.data.slug)
        if article.existing is not None and article_unchanged(article.existing, article.data):
            report.unchanged.append(done)
        else:
            saved = save_article(
                session=session, now=now, data=article.data, article=article.existing
            )
            assert saved.id is not None  # flushed
            article_ids[saved.slug] = saved.id
            (report.updated if article.existing else report.created).append(done)
        tick()
    return article_ids


def _unchanged(planned: PlannedEvent) -> bool:
    existing = planned.existing
    return (
        existing is not None
        and event_unchanged(existing, planned.data)
        and (planned.sequence or 0) <= existing.sequence
        and planned.questions in (None, existing.questions)
    )


def _write(
    plan: ImportPlan,
    *,
    session: Session,
    now: datetime,
    tick: Tick,
    notifier: Notifier | None,
) -> ImportReport:
    report = ImportReport()
    article_ids = _write_articles(plan, report, session=session, now=now, tick=tick)
    writer = EventWriter(session, now, CategoryBook(session), article_ids)
    # Each updated event's time and place before the file changed them, for the Changed email.
    told: dict[int, Told] = {}
    for event in plan.events:
        done = ("event", event.data.slug)
        if _unchanged(event):
            report.unchanged.append(done)
        elif event.existing is None:
            writer.create(event)
            report.created.append(done)
        else:
            if notifier is not None and event.existing.id is not None:
                told[event.existing.id] = as_told(event.existing, notifier.settings.language)
            writer.update(event, event.existing)
            report.updated.append(done)
        tick()
    if writer.new_rows or writer.changed:
        writer.finish()
        mark_calendar_changed(session=session, now=now)
    if notifier is not None:
        for changed in writer.recalendared:
            assert changed.id is not None  # a stored event
            report.notified += notify_event_change(
                session=session, now=now, event=changed, notifier=notifier,
                before=told.get(changed.id),
            )  # fmt: skip
    return report


def import_document(
    *,
    session: Session,
    now: datetime,
    document: Document,
    tick: Tick = _no_progress,
    notifier: Notifier | None = None,
) -> ImportReport:
    """Run inside one write transaction. Raises ImportRejected before writing anything when a
    record is rejected. `tick` is called once per record (for a progress bar). With a
    `notifier`, the attendees of an event whose time, place or status changed are told, in the
    same transaction."""
    plan = check_document(session=session, document=document)
    return _write(plan, session=session, now=now, tick=tick, notifier=notifier)
