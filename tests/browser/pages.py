"""Every public page kind, on the demo site or on the empty site: what the HTML checker and
axe-core look at. The demo content is dated from tests.support.settings.START (1 December 2026)."""

from __future__ import annotations

from dataclasses import dataclass

from tests.support.settings import START


@dataclass(frozen=True)
class PageKind:
    name: str
    site: str  # "demo" or "empty"
    path: str
    status: int = 200


CALENDAR = f"/events/calendar/{START.year}/{START.month}"

PAGES = [
    PageKind("front-page", "demo", "/"),
    PageKind("events", "demo", "/events"),
    PageKind("events-no-match", "demo", "/events?q=nomatch"),
    PageKind("events-bad-filters", "demo", "/events?from=not-a-date&to=20270131&format=nope"),
    PageKind("events-past", "demo", "/events/past"),
    PageKind("calendar-month", "demo", CALENDAR),
    PageKind("event", "demo", "/events/open-research-infrastructure-forum"),
    PageKind("event-cancelled", "demo", "/events/young-researchers-exchange-info-session"),
    PageKind("event-postponed", "demo", "/events/satellite-data-sharing-symposium"),
    PageKind("event-all-day", "demo", "/events/international-innovation-week"),
    PageKind("event-past", "demo", "/events/science-diplomacy-roundtable"),
    PageKind("articles", "demo", "/articles"),
    PageKind("article", "demo", "/articles/shared-labs-shared-data"),
    PageKind("category", "demo", "/categories/open-science"),
    PageKind("not-found", "demo", "/no-such-page", status=404),
    PageKind("privacy", "demo", "/privacy"),
    PageKind("calendars", "demo", "/calendars"),
    PageKind("api-docs", "demo", "/api/docs"),
    PageKind("registration-sent", "demo", "/events/open-research-infrastructure-forum/registered"),
    PageKind("event-online", "demo", "/events/ai-for-climate-joint-lab-showcase"),
    PageKind("event-hybrid", "demo", "/events/quantum-links-public-lecture"),
    PageKind("share-event", "demo", "/events/open-research-infrastructure-forum/share"),
    PageKind("share-event-sent", "demo", "/events/quantum-links-public-lecture/share?sent=1"),
    PageKind("share-article", "demo", "/articles/shared-labs-shared-data/share"),
    PageKind("empty-front-page", "empty", "/"),
    PageKind("empty-events", "empty", "/events"),
    PageKind("empty-events-past", "empty", "/events/past"),
    PageKind("empty-calendar-month", "empty", CALENDAR),
    PageKind("empty-articles", "empty", "/articles"),
]
