"""One event as an RFC 5545 VEVENT, and its serialised bytes remembered by what it shows.

The UID is the event's own, created once and never changed; SEQUENCE rises whenever the
time, place or status changes (events/editing.py). Times are written in the event's own
timezone with its TZID (the calendar adds the VTIMEZONE), all-day events as dates with an
exclusive end. The online link goes only into an attendee's own calendar (`private`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parseaddr
from functools import lru_cache
from typing import TYPE_CHECKING

from icalendar import Event as VEvent
from icalendar import vCalAddress, vUri
from icalendar.enums import STATUS

from events_app.calendar.entries import CalendarEntry
from events_app.config import Settings
from events_app.markdown import html_to_text
from events_app.models import EventStatus
from events_app.site_urls import SiteUrls
from events_app.timezones import zone
from events_app.translations import catalogue

if TYPE_CHECKING:
    from events_app.web.context import AppContext

VEVENT_STATUS = {
    EventStatus.published: STATUS.CONFIRMED,
    EventStatus.cancelled: STATUS.CANCELLED,
    # RFC 5545 has no "postponed"; TENTATIVE is what calendar apps show as "not settled yet".
    EventStatus.postponed: STATUS.TENTATIVE,
    # Never in a feed; but the worker writes an email when it sends it, and the organiser may
    # have taken the event back to draft since the registration it is about.
    EventStatus.draft: STATUS.TENTATIVE,
}
# A feed stays small and a calendar app's event view readable: the full text is on the page.
DESCRIPTION_LIMIT = 4000


@dataclass(frozen=True, slots=True)
class CalendarSite:
    """What every VEVENT of this site shares: where its pages live and who organises."""

    urls: SiteUrls
    site_name: str
    mail_from: str
    language: str = "en"

    def event_url(self, slug: str) -> str:
        return self.urls("event_detail", slug=slug)

    def article_url(self, slug: str) -> str:
        return self.urls("article_detail", slug=slug)


def calendar_site(settings: Settings, urls: SiteUrls) -> CalendarSite:
    return CalendarSite(
        urls=urls,
        site_name=settings.site_name,
        mail_from=settings.mail_from,
        language=settings.language,
    )


def description_text(description_html: str) -> str:
    """Calendar apps show DESCRIPTION as text: keep its paragraphs, list items and links."""
    return html_to_text(description_html, layout=True)


def place_text(venue: str, address: str) -> str:
    return ", ".join(part for part in (venue, address) if part)


def event_location(entry: CalendarEntry) -> str:
    return place_text(entry.venue, entry.address)


def plain_description(description_html: str, summary: str) -> str:
    """The event's own text as a calendar shows it, before the links we add after it."""
    text = description_text(description_html) or summary
    if len(text) > DESCRIPTION_LIMIT:
        text = text[:DESCRIPTION_LIMIT].rstrip() + "…"
    return text


def event_span(entry: CalendarEntry) -> tuple[date | datetime, date | datetime]:
    """DTSTART and DTEND: local dates with an exclusive end for all-day events, otherwise
    times in the event's own timezone (so that the TZID names it)."""
    tz = zone(entry.timezone)
    start, end = entry.starts_at.astimezone(tz), entry.ends_at.astimezone(tz)
    if entry.all_day:
        return start.date(), end.date()
    return _unambiguous(start), _unambiguous(end)


def _unambiguous(local: datetime) -> datetime:
    # RFC 5545 reads a wall-clock time that happens twice as its first occurrence; the second
    # one can only be said exactly in UTC.
    if local.fold and local.replace(fold=0).utcoffset() != local.utcoffset():
        return local.astimezone(UTC)
    return local


def describe(entry: CalendarEntry, site: CalendarSite, *, private: bool) -> str:
    """The text a calendar app shows: the description, then where to read more."""
    gettext = catalogue(site.language).gettext
    text = plain_description(entry.description_html, entry.summary)
    parts = [text] if text else []
    if private and entry.online_url:
        parts.append(gettext("Join online: %(url)s") % {"url": entry.online_url})
    parts.append(site.event_url(entry.slug))
    if entry.articles:
        lines = [gettext("Related reading:")]
        lines += [f"- {a.title}: {site.article_url(a.slug)}" for a in entry.articles]
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def organizer_address(entry: CalendarEntry, site: CalendarSite) -> vCalAddress:
    address = vCalAddress(f"mailto:{parseaddr(site.mail_from)[1]}")
    address.params["CN"] = entry.organizer or site.site_name
    return address


def build_vevent(
    entry: CalendarEntry,
    site: CalendarSite,
    *,
    stamp: datetime,
    private: bool = False,
    status: STATUS | None = None,
) -> VEvent:
    start, end = event_span(entry)
    location = event_location(entry)
    if private and entry.online_url and not location:
        location = entry.online_url
    vevent = VEvent.new(
        uid=entry.uid,
        sequence=entry.sequence,
        stamp=stamp,
        created=entry.created_at,
        last_modified=entry.updated_at,
        summary=entry.title,
        description=describe(entry, site, private=private),
        start=start,
        end=end,
        location=location or None,
        url=site.event_url(entry.slug),
        # A tuple: an empty list would write a CATEGORIES line naming one empty category.
        categories=entry.categories,
        organizer=organizer_address(entry, site),
        status=status or VEVENT_STATUS[EventStatus(entry.status)],
        links=[vUri(site.article_url(a.slug), params={"VALUE": "URI"}) for a in entry.articles]
        or None,
    )
    if entry.latitude is not None and entry.longitude is not None:
        vevent.add("GEO", (entry.latitude, entry.longitude))
    if private and entry.online_url:
        # RFC 7986 CONFERENCE: calendar apps that know it show a "Join" button.
        vevent.add(
            "CONFERENCE",
            vUri(entry.online_url, params={"VALUE": "URI", "FEATURE": "VIDEO"}),
        )
    return vevent


@lru_cache(maxsize=4096)
def serialised_vevent(
    entry: CalendarEntry,
    site: CalendarSite,
    *,
    private: bool = False,
    status: STATUS | None = None,
) -> bytes:
    """The VEVENT's bytes for a published calendar, remembered by everything they depend on:
    an unchanged event is never serialised twice. Its DTSTAMP is its last change, so the bytes
    are the same in every process and every poll."""
    return build_vevent(
        entry, site, stamp=entry.updated_at, private=private, status=status
    ).to_ical()


def app_calendar_site(context: AppContext) -> CalendarSite:
    return context.part(CalendarSite, calendar_site)
