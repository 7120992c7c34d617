"""iCalendar (RFC 5545) for events: one VEVENT per event that is past the draft stage, each with
its stable UID and SEQUENCE so that calendar apps update what they already show instead of
adding a copy. Pure: the caller chooses the events and says what time it is."""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Iterable
from datetime import date, datetime

import nh3
from icalendar import Calendar
from icalendar import Event as VEvent
from icalendar.enums import STATUS

from events_app.models import Event, EventStatus
from events_app.timezones import zone
from events_app.web.markdown import render_markdown

PRODID = "-//events_app//events_app//EN"

VEVENT_STATUS = {
    EventStatus.published: STATUS.CONFIRMED,
    EventStatus.cancelled: STATUS.CANCELLED,
    # RFC 5545 has no "postponed"; TENTATIVE is what calendar apps show as "not settled yet".
    EventStatus.postponed: STATUS.TENTATIVE,
}

_LINK = re.compile(r'<a\s[^>]*?href="([^"]*)"[^>]*>(.*?)</a>', re.DOTALL)
_LINE_END = re.compile(r"<br\s*/?>\n?|</(?:p|h[2-6]|blockquote|pre|tr|table)>")
_BLANK_LINES = re.compile(r"\n{3,}")


def _link_as_text(match: re.Match[str]) -> str:
    href, label = match.group(1), match.group(2)
    return label if html.unescape(href) == html.unescape(label) else f"{label} ({href})"


def markdown_to_plain_text(source: str) -> str:
    """Plain text that keeps paragraphs, list items and link targets: calendar apps show
    DESCRIPTION as text, and a Markdown source or a one-line summary reads badly there."""
    markup = str(render_markdown(source))
    markup = _LINK.sub(_link_as_text, markup)
    markup = re.sub(r"<li[^>]*>\s*", "- ", markup)
    markup = _LINE_END.sub("\n", markup)
    text = html.unescape(nh3.clean(markup, tags=set()))
    lines = (line.rstrip() for line in text.splitlines())
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def event_description(event: Event) -> str:
    return markdown_to_plain_text(event.description) or event.summary


def event_location(event: Event) -> str:
    # Only the physical place: the online link is for registered attendees, never a public file.
    return ", ".join(part for part in (event.venue, event.address) if part)


def event_span(event: Event) -> tuple[date | datetime, date | datetime]:
    """DTSTART and DTEND: local dates with an exclusive end for all-day events, otherwise
    times in the event's own timezone (so that the TZID names it)."""
    tz = zone(event.timezone)
    start, end = event.starts_at.astimezone(tz), event.ends_at.astimezone(tz)
    if event.all_day:
        return start.date(), end.date()
    return start, end


def _vevent(event: Event, *, base_url: str, now: datetime) -> VEvent:
    start, end = event_span(event)
    return VEvent.new(
        uid=event.uid,
        sequence=event.sequence,
        stamp=now,
        created=event.created_at,
        last_modified=event.updated_at,
        summary=event.title,
        description=event_description(event) or None,
        start=start,
        end=end,
        location=event_location(event) or None,
        url=f"{base_url}/events/{event.slug}",
        categories=[category.name for category in sorted(event.categories, key=lambda c: c.slug)],
        status=VEVENT_STATUS[EventStatus(event.status)],
    )


def build_calendar(events: Iterable[Event], *, base_url: str, name: str, now: datetime) -> bytes:
    """The calendar for `events` (drafts are left out), with a VTIMEZONE for every TZID."""
    public = [event for event in events if event.status != EventStatus.draft]
    calendar = Calendar.new(
        prodid=PRODID,
        method="PUBLISH",
        name=name,
        url=f"{base_url}/events",
        uid=uuid.uuid5(uuid.NAMESPACE_URL, base_url),
        subcomponents=[_vevent(event, base_url=base_url, now=now) for event in public],
    )
    if public:
        # Only the years the events need: the default range (1970-2038) bloats every VTIMEZONE.
        first = min(event.starts_at for event in public).year - 1
        last = max(event.ends_at for event in public).year + 2
        calendar.add_missing_timezones(date(first, 1, 1), date(last, 1, 1))
    return calendar.to_ical()
