"""The transfer format: a file read as records. An event or article record (its keys, and a
stored one written as such) is its domain's (events/records.py, articles/records.py), since
the back office's audit entries store the same; export writes these records and import reads
them back, so exporting and then importing into an empty database gives the same content."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from events_app.articles.records import ARTICLE_KEYS as ARTICLE_KEYS
from events_app.articles.records import article_record as article_record
from events_app.events.records import CONTENT_KEYS as CONTENT_KEYS
from events_app.events.records import EVENT_KEYS as EVENT_KEYS
from events_app.events.records import IDENTITY_KEYS as IDENTITY_KEYS
from events_app.events.records import KEPT_EVENT_FIELDS as KEPT_EVENT_FIELDS
from events_app.events.records import Record as Record
from events_app.events.records import event_record as event_record
from events_app.events.records import exported_event_record as exported_event_record


class UnreadableFile(ValueError):
    """The file as a whole cannot be read (not JSON, not iCalendar, wrong top-level shape)."""


@dataclass(frozen=True)
class IncomingRecord:
    """One record as read from a file, before validation."""

    label: str  # where it is in the file, for the report: "events[3] (slug 'x')"
    values: Any  # a Record when well formed; None when the reader could not make one
    uid: str | None = None  # iCalendar records are matched by UID, JSON ones by slug
    problems: tuple[str, ...] = ()  # what the reader already found wrong


@dataclass(frozen=True)
class Document:
    articles: list[IncomingRecord] = field(default_factory=list)
    events: list[IncomingRecord] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.articles) + len(self.events)
