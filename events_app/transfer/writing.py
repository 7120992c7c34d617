"""Writing the checked events of an import in bulk: new events in one executemany (their ids
read back by UID), their category and article links in executemany batches, changed events
updated in one flush with their links replaced. What each event ends up as is the same as
`save_event` would make it; only the number of statements differs (a handful per thousand
events instead of several per event)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlmodel import Session, col

from events_app.events.editing import changes_calendar, event_values, rendered_description
from events_app.events.schemas import EventCreate
from events_app.models import Event, EventArticle, EventCategory, EventStatus, new_event_uid
from events_app.transfer.categories import CategoryBook
from events_app.transfer.checking import PlannedEvent
from events_app.transfer.matching import CHUNK, chunks

_EVENT = Event.__table__  # type: ignore[attr-defined]
_EVENT_CATEGORY = EventCategory.__table__  # type: ignore[attr-defined]
_EVENT_ARTICLE = EventArticle.__table__  # type: ignore[attr-defined]
Links = tuple[list[int], list[int]]  # (category ids, article ids)


def _saved_values(data: EventCreate) -> dict[str, Any]:
    # The same columns save_event writes, the rendered description included.
    return event_values(data) | rendered_description(data.description)


def _cancelled_at(status: EventStatus, before: datetime | None, now: datetime) -> datetime | None:
    if status != EventStatus.cancelled:
        return None
    return before or now


@dataclass
class EventWriter:
    """Collects the writes of one import's events; `finish` sends them."""

    session: Session
    now: datetime
    categories: CategoryBook
    article_ids: dict[str, int]
    new_rows: list[dict[str, Any]] = field(default_factory=list)
    new_links: list[Links] = field(default_factory=list)
    changed: list[Event] = field(default_factory=list)
    changed_links: dict[int, Links] = field(default_factory=dict)
    recalendared: list[Event] = field(default_factory=list)  # time, place or status changed

    def _links(self, data: EventCreate) -> Links:
        articles = [self.article_ids[slug] for slug in dict.fromkeys(data.articles)]
        return self.categories.ids(data.categories), articles

    def create(self, planned: PlannedEvent) -> None:
        values = _saved_values(planned.data)
        values.update(
            uid=planned.uid or new_event_uid(),
            sequence=planned.sequence or 0,
            cancelled_at=_cancelled_at(values["status"], None, self.now),
            questions=planned.questions or [],
            created_at=self.now,
            updated_at=self.now,
        )
        self.new_rows.append(values)
        self.new_links.append(self._links(planned.data))

    def update(self, planned: PlannedEvent, event: Event) -> None:
        calendar_changed = changes_calendar(event, planned.data)
        for name, value in _saved_values(planned.data).items():
            setattr(event, name, value)
        # A SEQUENCE from the file is kept when higher, never lowered: calendars ignore an
        # update whose SEQUENCE is below the one they hold.
        event.sequence = max(event.sequence + calendar_changed, planned.sequence or 0)
        event.cancelled_at = _cancelled_at(event.status, event.cancelled_at, self.now)
        if planned.questions is not None:
            event.questions = planned.questions
        event.updated_at = self.now
        assert event.id is not None  # a stored event
        self.changed.append(event)
        self.changed_links[event.id] = self._links(planned.data)
        if calendar_changed:
            self.recalendared.append(event)

    def finish(self) -> None:
        self.session.flush()  # the updates, batched by the unit of work
        links = dict(self.changed_links)
        if self.new_rows:
            # A plain executemany, then the ids by UID: SQLite cannot return the ids of a
            # batched INSERT in order, and SQLAlchemy would then insert one row at a time.
            self.session.execute(insert(_EVENT), self.new_rows)
            ids_by_uid: dict[str, int] = {}
            for part in chunks(row["uid"] for row in self.new_rows):
                query = select(_EVENT.c.uid, _EVENT.c.id).where(_EVENT.c.uid.in_(part))
                ids_by_uid.update((uid, id_) for uid, id_ in self.session.execute(query))
            new_ids = (ids_by_uid[row["uid"]] for row in self.new_rows)
            links.update(zip(new_ids, self.new_links, strict=True))
        changed = list(self.changed_links)
        for start in range(0, len(changed), CHUNK):
            ids = changed[start : start + CHUNK]
            for link in (EventCategory, EventArticle):
                self.session.execute(delete(link).where(col(link.event_id).in_(ids)))
        categories = [{"event_id": e, "category_id": c} for e, (cs, _) in links.items() for c in cs]
        articles = [{"event_id": e, "article_id": a} for e, (_, ids) in links.items() for a in ids]
        for table, rows in ((_EVENT_CATEGORY, categories), (_EVENT_ARTICLE, articles)):
            if rows:
                self.session.execute(insert(table), rows)
        for event in self.changed:
            self.session.expire(event, ["categories", "articles"])  # links replaced above
