"""Checking every record of a file before anything is written: each is validated, matched to
what is stored (by slug, or by UID for iCalendar) and checked against the rest of the file,
so that the report lists every problem at once and a rejected file writes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from events_app.events.schemas import ArticleCreate, EventCreate
from events_app.models import Article, Event
from events_app.transfer.matching import Stored, load_stored
from events_app.transfer.records import KEPT_EVENT_FIELDS, Document, IncomingRecord
from events_app.transfer.validation import (
    RecordProblems,
    given_uid,
    validate_article,
    validate_event,
)


@dataclass(frozen=True)
class Rejection:
    label: str
    problems: tuple[str, ...]


class ImportRejected(Exception):
    def __init__(self, rejections: list[Rejection]) -> None:
        super().__init__(f"{len(rejections)} record(s) rejected")
        self.rejections = rejections


@dataclass(frozen=True)
class PlannedArticle:
    data: ArticleCreate
    existing: Article | None


@dataclass(frozen=True)
class PlannedEvent:
    data: EventCreate
    existing: Event | None
    uid: str | None  # given: create the event with this UID
    sequence: int | None = None  # given: the event's SEQUENCE is at least this
    questions: list[dict[str, Any]] | None = None  # given: the event asks exactly these


@dataclass
class ImportPlan:
    articles: list[PlannedArticle] = field(default_factory=list)
    events: list[PlannedEvent] = field(default_factory=list)
    # The ids of the stored articles the file's events may name (those of the file's own
    # articles are known once they are written).
    article_ids: dict[str, int] = field(default_factory=dict)


class _RecordChecker:
    def __init__(self, stored: Stored) -> None:
        self.stored = stored
        self.first_use: dict[str, str] = {}  # "event slug x" -> label of the record using it
        self.articles_in_file: set[str] = set()

    def _used_before(self, key: str, label: str) -> str | None:
        first = self.first_use.setdefault(key, label)
        return None if first == label else first

    def _article_known(self, slug: str) -> bool:
        return slug in self.articles_in_file or slug in self.stored.articles_by_slug

    def article(self, record: IncomingRecord) -> PlannedArticle:
        slug = record.values.get("slug") if isinstance(record.values, dict) else None
        stored = self.stored.articles_by_slug.get(slug) if isinstance(slug, str) else None
        kept = {"image": stored.image, "image_alt": stored.image_alt} if stored else None
        try:
            data = validate_article(record.values, kept=kept)
        except RecordProblems as exc:
            raise RecordProblems([*record.problems, *exc.problems]) from None
        problems = list(record.problems)
        if first := self._used_before(f"article {data.slug}", record.label):
            problems.append(f"slug: also used by {first}")
        if problems:
            raise RecordProblems(problems)
        self.articles_in_file.add(data.slug)
        return PlannedArticle(data, self.stored.articles_by_slug.get(data.slug))

    def event(self, record: IncomingRecord) -> PlannedEvent:
        if record.values is None:
            raise RecordProblems(list(record.problems))
        uid = record.uid or given_uid(record.values)
        slug = record.values.get("slug") if isinstance(record.values, dict) else None
        existing = self.stored.event_for(uid=uid, slug=slug if isinstance(slug, str) else None)
        kept = {name: getattr(existing, name) for name in KEPT_EVENT_FIELDS} if existing else {}
        try:
            data, identity, questions = validate_event(record.values, kept=kept)
        except RecordProblems as exc:
            raise RecordProblems([*record.problems, *exc.problems]) from None
        problems = list(record.problems)
        if first := self._used_before(f"event {data.slug}", record.label):
            problems.append(f"slug: also used by {first}")
        if uid and (first := self._used_before(f"uid {uid}", record.label)):
            problems.append(f"UID: also used by {first}")
        holder = self.stored.events_by_slug.get(data.slug)
        if holder is not None and holder is not existing:
            # A record with a UID new here, whose slug is another stored event's: updating
            # that event would change its UID, creating one would duplicate the slug.
            problems.append(
                f"slug: already the slug of a stored event with another UID ({holder.uid});"
                " remove the record's uid to update that event, or change the slug"
            )
        unknown = [slug for slug in data.articles if not self._article_known(slug)]
        if unknown:
            problems.append("articles: unknown article slug(s) " + ", ".join(unknown))
        if problems:
            raise RecordProblems(problems)
        return PlannedEvent(data, existing, uid, identity.sequence, questions)


def check_document(*, session: Session, document: Document) -> ImportPlan:
    """Raises ImportRejected listing every rejected record. Articles come first: events may
    name articles from the same file as well as from the database."""
    stored = load_stored(session=session, document=document)
    checker, plan, rejections = _RecordChecker(stored), ImportPlan(), []
    for record in document.articles:
        try:
            plan.articles.append(checker.article(record))
        except RecordProblems as exc:
            rejections.append(Rejection(record.label, tuple(exc.problems)))
    for record in document.events:
        try:
            plan.events.append(checker.event(record))
        except RecordProblems as exc:
            rejections.append(Rejection(record.label, tuple(exc.problems)))
    if rejections:
        raise ImportRejected(rejections)
    plan.article_ids = {s: a.id for s, a in stored.articles_by_slug.items() if a.id is not None}
    return plan
