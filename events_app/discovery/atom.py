"""Atom feeds (RFC 4287) of the upcoming events and the latest articles.

Each entry's id is a tag: URI (RFC 4151) that never changes: made from the site's host, the
day the record was created and the event's calendar UID or the article's row id, so renaming
or moving a record does not make readers see it as new.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

from events_app.discovery.documents import child, document, w3c_datetime

ATOM_NS = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# The feed of a site without a single entry yet still needs an atom:updated.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class AtomEntry:
    id: str
    title: str
    url: str
    updated: datetime
    published: datetime
    summary: str
    content_html: str
    categories: tuple[str, ...] = ()
    author: str = ""


@dataclass(frozen=True, slots=True)
class AtomFeed:
    id: str  # the feed's own address
    title: str
    subtitle: str
    page_url: str  # the HTML page it is the alternate of
    author: str  # the site: entries without an author of their own are the site's
    language: str
    entries: Sequence[AtomEntry] = field(default=())


def tag_uri(base_url: str, created: datetime, specific: str) -> str:
    host = urlsplit(base_url).hostname or "events.invalid"
    day = created.astimezone(UTC).date().isoformat()
    return f"tag:{host},{day}:{quote(specific, safe='/@:-._~')}"


def build_atom(feed: AtomFeed) -> bytes:
    root = ET.Element("feed", {"xmlns": ATOM_NS, XML_LANG: feed.language})
    child(root, "id", feed.id)
    child(root, "title", feed.title)
    child(root, "subtitle", feed.subtitle)
    updated = max((entry.updated for entry in feed.entries), default=EPOCH)
    child(root, "updated", w3c_datetime(updated))
    child(root, "link", rel="self", type="application/atom+xml", href=feed.id)
    child(root, "link", rel="alternate", type="text/html", href=feed.page_url)
    child(child(root, "author"), "name", feed.author)
    for entry in feed.entries:
        item = child(root, "entry")
        child(item, "id", entry.id)
        child(item, "title", entry.title)
        child(item, "link", rel="alternate", type="text/html", href=entry.url)
        child(item, "updated", w3c_datetime(entry.updated))
        child(item, "published", w3c_datetime(entry.published))
        if entry.author:
            child(child(item, "author"), "name", entry.author)
        for term in entry.categories:
            child(item, "category", term=term)
        if entry.summary:
            child(item, "summary", entry.summary, type="text")
        child(item, "content", entry.content_html, type="html")
    return document(root)
