"""Calendar files for one event, and one attendee's own feed.

The attendee's feed holds every event their address is registered for (found through any of
their manage links), with the online link that public files leave out, but only where the
registration holds a confirmed seat: a pending, waitlisted or cancelled registration could
otherwise join a full meeting without a seat. A waitlisted place is
TENTATIVE, a cancelled registration stays CANCELLED for FEED_KEEPS_PAST so the calendar
drops it rather than keeping a stale entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from icalendar.enums import STATUS
from sqlalchemy import select
from sqlmodel import Session, col

from events_app.calendar.entries import CalendarEntry, entry_from_event
from events_app.calendar.feeds import calendar_etag, in_feed_window
from events_app.calendar.ics import CalendarHead, assemble_calendar, build_calendar
from events_app.calendar.vevent import CalendarSite, serialised_vevent
from events_app.content import FEED_KEEPS_PAST
from events_app.events.service import get_live_event
from events_app.models import Event, Registration, RegistrationStatus
from events_app.registration.pages import find_registration
from events_app.registration.seats import is_seated
from events_app.translations import catalogue


@dataclass(frozen=True, slots=True)
class CalendarFile:
    body: bytes
    etag: str
    last_modified: datetime
    filename: str


def _calendar_file(
    body: bytes, entries: list[CalendarEntry], filename: str, fallback: datetime
) -> CalendarFile:
    last = max((entry.updated_at for entry in entries), default=fallback)
    return CalendarFile(body, calendar_etag(body), last, filename)


def event_file(
    *, session: Session, now: datetime, slug: str, site: CalendarSite
) -> CalendarFile | None:
    """One live event as a calendar file to download (the public one: no online link)."""
    event = get_live_event(session=session, slug=slug, now=now)
    if event is None:
        return None
    entry = entry_from_event(event, now=now)
    head = CalendarHead(name=event.title, url=site.event_url(event.slug))
    body = build_calendar([entry], site=site, head=head)
    return _calendar_file(body, [entry], f"{event.slug}.ics", now)


# Pending registrations are left out: nothing is promised until the address is confirmed.
_IN_CALENDAR = (
    RegistrationStatus.confirmed,
    RegistrationStatus.attended,
    RegistrationStatus.waitlisted,
    RegistrationStatus.cancelled,
)


def _status_for(registration: Registration) -> STATUS | None:
    if registration.status == RegistrationStatus.cancelled:
        return STATUS.CANCELLED
    if registration.status == RegistrationStatus.waitlisted:
        return STATUS.TENTATIVE
    return None  # the event's own status


def attendee_file(
    *, session: Session, now: datetime, token: str, site: CalendarSite
) -> CalendarFile | None:
    """The feed behind one attendee's manage link, or None for a token that opens nothing."""
    owner = find_registration(session=session, token=token)
    if owner is None:
        return None
    horizon = now - FEED_KEEPS_PAST
    rows = session.execute(
        select(Registration, Event)
        .join(Event, col(Event.id) == col(Registration.event_id))
        .where(
            col(Registration.email_key) == owner.email_key,
            in_feed_window(now),
            col(Registration.status).in_(_IN_CALENDAR),
        )
        .order_by(col(Event.starts_at), col(Event.id))
    ).all()
    entries: list[CalendarEntry] = []
    vevents: list[bytes] = []
    for registration, event in rows:
        if registration.status == RegistrationStatus.cancelled and (
            registration.cancelled_at is None or registration.cancelled_at <= horizon
        ):
            continue
        entry = entry_from_event(event, now=now)
        entries.append(entry)
        vevents.append(
            serialised_vevent(
                entry,
                site,
                private=is_seated(registration),
                status=_status_for(registration),
            )
        )
    gettext = catalogue(site.language).gettext
    head = CalendarHead(
        name=gettext("%(site)s: my registrations") % {"site": site.site_name},
        url=site.urls("registration_manage", token=token),
        source=site.urls("registration_feed", token=token),
    )
    body = assemble_calendar(head, entries, vevents)
    changes = [registration.updated_at for registration, _event in rows]
    file = _calendar_file(body, entries, "my-events.ics", owner.updated_at)
    return CalendarFile(file.body, file.etag, max([file.last_modified, *changes]), file.filename)


def registration_file(
    *, session: Session, now: datetime, token: str, site: CalendarSite
) -> CalendarFile | None:
    """The one event of a manage link, as the attendee's own copy (with the online link once
    they hold a confirmed seat)."""
    owner = find_registration(session=session, token=token)
    if owner is None:
        return None
    event = session.get(Event, owner.event_id)
    assert event is not None  # the foreign key cascades
    entry = entry_from_event(event, now=now)
    head = CalendarHead(name=event.title, url=site.event_url(event.slug))
    vevent = serialised_vevent(entry, site, private=is_seated(owner), status=_status_for(owner))
    body = assemble_calendar(head, [entry], [vevent])
    return _calendar_file(body, [entry], f"{event.slug}.ics", now)
