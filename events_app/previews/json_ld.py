"""schema.org data for search engines and link previews, built as plain dicts from what the
page itself shows, and serialised so that no value can end the <script> element holding it.

An event's data follows the page: its status (scheduled, cancelled, postponed), how to attend
(in person, online or both), and whether seats are left. The online link is for registered
attendees only, so an online event's VirtualLocation is the event page, never the link.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from events_app.events.present import all_day_span, event_local_range
from events_app.images.variants import Cover
from events_app.models import Article, Event, EventFormat, EventStatus
from events_app.site_urls import SiteUrls

if TYPE_CHECKING:
    from events_app.web.context import AppContext

SCHEMA = "https://schema.org"
DESCRIPTION_MAX = 1000
HEADLINE_MAX = 110  # what search engines show of a NewsArticle's headline

EVENT_STATUS = {
    EventStatus.published: f"{SCHEMA}/EventScheduled",
    EventStatus.cancelled: f"{SCHEMA}/EventCancelled",
    EventStatus.postponed: f"{SCHEMA}/EventPostponed",
}
ATTENDANCE_MODE = {
    EventFormat.in_person: f"{SCHEMA}/OfflineEventAttendanceMode",
    EventFormat.online: f"{SCHEMA}/OnlineEventAttendanceMode",
    EventFormat.hybrid: f"{SCHEMA}/MixedEventAttendanceMode",
}
IN_STOCK, SOLD_OUT = f"{SCHEMA}/InStock", f"{SCHEMA}/SoldOut"


@dataclass(frozen=True, slots=True)
class Publisher:
    """Who runs the site: the organiser of events that name none, and every article's publisher."""

    urls: SiteUrls
    name: str
    currency: str = "EUR"

    def organization(self) -> dict[str, Any]:
        return {"@type": "Organization", "name": self.name, "url": self.urls("front_page")}

    def share_image(self, key: str) -> str | None:
        """The absolute URL of an image's 1200×630 variant: JSON-LD `image`, and the page's
        og:image and twitter:image (templates read it from here)."""
        cover = Cover.from_key(key)
        if cover is None:
            return None
        return self.urls.absolute(self.urls.path("media", path="/" + cover.share_name))


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _instant(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _dates(event: Event) -> tuple[str, str]:
    """Times in the event's own zone with their UTC offset; an all-day event as its first and
    last day (schema.org Date), as people read it."""
    if event.all_day:
        first, last = all_day_span(event)
        return first.isoformat(), last.isoformat()
    start, end = event_local_range(event)
    return _instant(start), _instant(end)


def _place(event: Event) -> dict[str, Any] | None:
    if not (event.venue or event.address):
        return None
    place: dict[str, Any] = {"@type": "Place", "name": event.venue or event.address}
    if event.address:
        # One free-text address is all an event keeps: the whole of it as the street address.
        place["address"] = {"@type": "PostalAddress", "streetAddress": event.address}
    if event.latitude is not None and event.longitude is not None:
        place["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": event.latitude,
            "longitude": event.longitude,
        }
    return place


def _location(event: Event, url: str) -> dict[str, Any] | list[dict[str, Any]] | None:
    virtual = {"@type": "VirtualLocation", "url": url}
    place = _place(event)
    if event.format == EventFormat.online:
        return virtual
    if event.format == EventFormat.hybrid:
        return [place, virtual] if place else virtual
    return place


def event_json_ld(event: Event, *, seats_left: int | None, site: Publisher) -> dict[str, Any]:
    url = site.urls("event_detail", slug=event.slug)
    start, end = _dates(event)
    description = event.summary or event.description_text
    offer: dict[str, Any] = {
        "@type": "Offer",
        "url": url,
        "price": 0,
        "priceCurrency": site.currency,
        "availability": SOLD_OUT if seats_left is not None and seats_left <= 0 else IN_STOCK,
    }
    if event.registration_opens_at is not None:
        offer["validFrom"] = _instant(event.registration_opens_at)
    data: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": "Event",
        "name": event.title,
        "description": _shorten(description, DESCRIPTION_MAX),
        "url": url,
        "startDate": start,
        "endDate": end,
        "eventStatus": EVENT_STATUS.get(event.status, EVENT_STATUS[EventStatus.published]),
        "eventAttendanceMode": ATTENDANCE_MODE[event.format],
        "organizer": (
            {"@type": "Organization", "name": event.organizer}
            if event.organizer
            else site.organization()
        ),
        "offers": offer,
    }
    location = _location(event, url)
    if location is not None:
        data["location"] = location
    if image := site.share_image(event.image):
        data["image"] = image
    return data


def article_json_ld(article: Article, *, site: Publisher) -> dict[str, Any]:
    url = site.urls("article_detail", slug=article.slug)
    description = article.summary or article.body_text
    data: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": "NewsArticle",
        "headline": _shorten(article.title, HEADLINE_MAX),
        "description": _shorten(description, DESCRIPTION_MAX),
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": _instant(article.published_at),
        # Written before it was published, it was last changed when it appeared.
        "dateModified": _instant(max(article.updated_at, article.published_at)),
        "author": (
            {"@type": "Person", "name": article.author} if article.author else site.organization()
        ),
        "publisher": site.organization(),
    }
    if article.categories:
        data["articleSection"] = [category.name for category in article.categories]
    if image := site.share_image(article.image):
        data["image"] = image
    return data


# Characters that must not appear literally inside <script>: "<" could start "</script>" or
# "<!--"; U+2028 and U+2029 are line breaks to older JavaScript parsers.
_SCRIPT_SAFE = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def script_json(data: dict[str, Any]) -> str:
    """JSON to put between <script type="application/ld+json"> and </script>: the same value
    to a JSON parser, with no "</" (or "<" at all) that would end the element."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_SAFE)


def app_publisher(context: AppContext) -> Publisher:
    """Who runs the site, as schema.org data names it."""
    return context.part(
        Publisher,
        lambda settings, urls: Publisher(urls, settings.site_name, settings.currency),
    )
