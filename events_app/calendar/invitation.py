"""The event as an invitation in an attendee's email (RFC 5546 iTIP), so that mail clients
offer to add it, update it and remove it.

REQUEST carries the event with the organiser and the attendee (already accepted: they
registered); a later REQUEST with the same UID and a higher SEQUENCE moves what the calendar
shows; CANCEL removes it. Each is built at sending time with DTSTAMP = now; the online link
is included only for an attendee who holds a confirmed seat.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from icalendar import vCalAddress
from icalendar.enums import STATUS

from events_app.calendar.entries import CalendarEntry
from events_app.calendar.ics import CalendarHead, assemble_calendar
from events_app.calendar.vevent import CalendarSite, build_vevent


class InvitationMethod(StrEnum):
    request = "REQUEST"
    cancel = "CANCEL"


def attendee_address(name: str, email: str, method: InvitationMethod) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = name
    address.params["CUTYPE"] = "INDIVIDUAL"
    address.params["ROLE"] = "REQ-PARTICIPANT"
    # They registered, so they have accepted; no reply is expected (nothing here reads one).
    address.params["PARTSTAT"] = "ACCEPTED" if method is InvitationMethod.request else "DECLINED"
    address.params["RSVP"] = "FALSE"
    return address


def build_invitation(
    entry: CalendarEntry,
    site: CalendarSite,
    *,
    method: InvitationMethod,
    attendee_name: str,
    attendee_email: str,
    now: datetime,
    private: bool,
) -> bytes:
    """`private`: the attendee holds a confirmed seat, so their copy carries the online link."""
    status = STATUS.CANCELLED if method is InvitationMethod.cancel else None
    vevent = build_vevent(entry, site, stamp=now, private=private, status=status)
    vevent.add("ATTENDEE", attendee_address(attendee_name, attendee_email, method))
    head = CalendarHead(name=entry.title, url=site.event_url(entry.slug), method=method.value)
    return assemble_calendar(head, [entry], [vevent.to_ical()])
