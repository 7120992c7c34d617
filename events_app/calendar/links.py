"""The "Add to calendar" links of an event page: web calendars that take an event in their
address (Google Calendar, Outlook.com, Office 365), and webcal:// subscriptions to feeds.

Web calendar links carry times in UTC with the event's zone named, and all-day events as dates
with an exclusive end, the way each service documents its compose link.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode, urlsplit, urlunsplit

from events_app.calendar.entries import CalendarEntry, entry_from_event
from events_app.calendar.vevent import CalendarSite, description_text, event_location
from events_app.models import Event
from events_app.timezones import zone

# Address bars and mail clients cut long links; the page is one click away.
_DETAILS_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class FeedLink:
    name: str
    url: str
    webcal: str
    google: str


@dataclass(frozen=True, slots=True)
class AddToCalendarLinks:
    google: str
    outlook_com: str
    office365: str
    feeds: tuple[FeedLink, ...] = ()


def _details(entry: CalendarEntry, site: CalendarSite) -> str:
    text = entry.summary or description_text(entry.description_html)
    if len(text) > _DETAILS_LIMIT:
        text = text[:_DETAILS_LIMIT].rstrip() + "…"
    return "\n\n".join(part for part in (text, site.event_url(entry.slug)) if part)


def _google(entry: CalendarEntry, site: CalendarSite) -> str:
    if entry.all_day:
        tz = zone(entry.timezone)
        first = entry.starts_at.astimezone(tz).date()
        after = entry.ends_at.astimezone(tz).date()
        dates = f"{first:%Y%m%d}/{after:%Y%m%d}"
    else:
        start, end = entry.starts_at.astimezone(UTC), entry.ends_at.astimezone(UTC)
        dates = f"{start:%Y%m%dT%H%M%SZ}/{end:%Y%m%dT%H%M%SZ}"
    query = {
        "action": "TEMPLATE",
        "text": entry.title,
        "dates": dates,
        "details": _details(entry, site),
        "location": event_location(entry),
        "ctz": entry.timezone,
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


def _outlook(host: str, entry: CalendarEntry, site: CalendarSite) -> str:
    if entry.all_day:
        tz = zone(entry.timezone)
        start = entry.starts_at.astimezone(tz).date().isoformat()
        # Outlook's compose form takes an inclusive last day for all-day events.
        end = (entry.ends_at.astimezone(tz).date() - timedelta(days=1)).isoformat()
    else:
        start = entry.starts_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        end = entry.ends_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": entry.title,
        "startdt": start,
        "enddt": end,
        "allday": "true" if entry.all_day else "false",
        "body": _details(entry, site),
        "location": event_location(entry),
    }
    return f"https://{host}/calendar/0/deeplink/compose?" + urlencode(query)


def feed_link(name: str, url: str) -> FeedLink:
    return FeedLink(name=name, url=url, webcal=webcal_url(url), google=google_subscribe_url(url))


def add_to_calendar_links(event: Event, site: CalendarSite, *, now: datetime) -> AddToCalendarLinks:
    """The event in each web calendar, and the feeds that hold it (the site's and those of
    its categories), to subscribe to instead."""
    entry = entry_from_event(event, now=now)
    feeds = [feed_link(site.site_name, site.urls("site_feed"))]
    feeds += [
        feed_link(category.name, site.urls("category_feed", slug=category.slug))
        for category in event.categories
    ]
    return AddToCalendarLinks(
        google=_google(entry, site),
        outlook_com=_outlook("outlook.live.com", entry, site),
        office365=_outlook("outlook.office.com", entry, site),
        feeds=tuple(feeds),
    )


def webcal_url(https_url: str) -> str:
    """The same feed with the webcal scheme, which opens the subscribe dialog of the system's
    calendar app (Apple Calendar, Outlook, Thunderbird) instead of downloading a file."""
    parts = urlsplit(https_url)
    return urlunsplit(("webcal", parts.netloc, parts.path, parts.query, ""))


def google_subscribe_url(https_url: str) -> str:
    # Google Calendar subscribes by address; it wants the webcal form of the feed.
    return "https://calendar.google.com/calendar/r?" + urlencode({"cid": webcal_url(https_url)})
