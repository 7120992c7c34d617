"""Writing the emails about registrations: multipart (plain text and HTML) from templates, in
the site's voice, with the event's time in its own timezone. Composing is separate from
sending: what is composed goes to the outbox (events_app.mail), and the worker sends it later."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from events_app.calendar.entries import entry_from_event
from events_app.calendar.invitation import InvitationMethod, build_invitation
from events_app.calendar.vevent import calendar_site
from events_app.config import Settings
from events_app.events.directions import directions_links
from events_app.events.present import format_event_when
from events_app.mail.composed import Attachment, ComposedEmail
from events_app.models import Event, EventFormat, EventStatus, Registration
from events_app.registration.checkin_codes import format_code
from events_app.registration.confirmation_codes import confirmation_code
from events_app.registration.qr import qr_png, qr_png_size
from events_app.registration.seats import is_seated
from events_app.resources import TEMPLATE_DIR
from events_app.site_urls import SiteUrls
from events_app.template_cache import shared_bytecode_cache
from events_app.translations import load_translations

REQUEST, CANCEL = InvitationMethod.request, InvitationMethod.cancel
# Every kind of email the site sends, and the calendar invitation it carries: REQUEST puts the
# event in the attendee's calendar (or moves it there), CANCEL takes it out. All but the last
# are caused by a registration or a change to its event. ("Send this to a friend" is
# sharing's own: events_app/sharing/email.py.)
KINDS: dict[str, InvitationMethod | None] = {
    "confirm_request": None,
    "manage_link": None,
    "confirmed": REQUEST,
    "waitlisted": None,
    "promoted": REQUEST,
    "cancelled": CANCEL,
    "hold_expired": None,
    "event_changed": REQUEST,
    "event_cancelled": CANCEL,
    "attendee_message": None,  # an organiser's own words (registration/messages.py)
    "reminder": REQUEST,  # the day before, or whenever the event says (registration/reminders.py)
    # Events that need approval (registration/approval.py): approving sends "confirmed" or
    # "waitlisted", as confirming does elsewhere.
    "awaiting_approval": None,
    "declined": None,  # with the organiser's reason, if they gave one
}
CALENDAR_TYPE = "text/calendar"


# The emails that give a seat carry the attendee's check-in code, as text and as a QR code.
WITH_CHECKIN_CODE = frozenset({"confirmed", "promoted"})
# The emails that ask for confirmation carry the code typed on the "check your email" page,
# derived from the row whenever the email is composed (confirmation_codes.py).
WITH_CONFIRMATION_CODE = frozenset({"confirm_request", "manage_link"})


def join_link(registration: Registration, event: Event, *, seated: bool | None = None) -> str:
    """The event's online link for this registration, or "": the one rule for emails and the
    attendee's page. Only a seat gets it, and only an event held online (an in-person
    event's stored link is not for attendees). `seated`: whether the registration held a
    seat when the email was caused (by default, its status now). A cancelled event's
    registrations stay confirmed, and its link leads nowhere: none then."""
    if seated is None:
        seated = is_seated(registration)
    if not seated or event.format == EventFormat.in_person or event.status == EventStatus.cancelled:
        return ""
    return event.online_url


def one_line(text: str) -> str:
    """A subject on one line whatever a title stored before the single-line rule holds: a
    line break in a header would make the message unsendable for good."""
    return " ".join(text.replace("\x00", " ").split())


class EmailComposer:
    def __init__(self, settings: Settings, urls: SiteUrls) -> None:
        self.settings = settings
        self.urls = urls
        translations = load_translations(settings.language)
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATE_DIR / "email"),
            autoescape=select_autoescape(["html"], default_for_string=False, default=False),
            extensions=["jinja2.ext.i18n"],
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            bytecode_cache=shared_bytecode_cache("emails"),
        )
        self.env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
        self.env.filters["when"] = lambda event: format_event_when(event, settings.language)

        self.site = calendar_site(settings, urls)

    def compose(
        self,
        kind: str,
        *,
        registration: Registration,
        event: Event,
        now: datetime,
        token: str | None = None,
        position: int | None = None,
        with_calendar: bool = True,
        extra: Mapping[str, Any] | None = None,
        seated: bool | None = None,
    ) -> ComposedEmail:
        """`with_calendar=False` leaves the invitation out: a CANCEL to someone whose calendar
        never held the event (a waitlisted place) would only confuse. `extra`: what a kind's
        templates need besides (an organiser's subject and text). `seated`: whether the
        registration held a seat when the email was caused (by default, its status now)."""
        context = self._context(kind, registration, event, token, position, extra, seated)
        attachments: tuple[Attachment, ...] = ()
        if kind in WITH_CHECKIN_CODE and registration.checkin_code:
            qr = self._checkin_qr(registration.checkin_code)
            context.update(
                checkin_code=format_code(registration.checkin_code),
                qr_cid=qr.content_id,
                qr_size=qr_png_size(registration.checkin_code),
            )
            attachments = (qr,)
        subject = one_line(self.env.get_template(f"{kind}.subject.txt").render(context))
        text = self.env.get_template(f"{kind}.txt").render(context)
        html = self.env.get_template(f"{kind}.html").render(context)
        method = KINDS[kind]
        if method is not None and with_calendar:
            ics = build_invitation(
                entry_from_event(event, now=now),
                self.site,
                method=method,
                attendee_name=registration.name,
                attendee_email=registration.email,
                now=now,
                private=context["seated"] and method is REQUEST,
            )
            content_type = f"{CALENDAR_TYPE}; method={method.value}"
            attachments += (Attachment(f"{event.slug}.ics", content_type, ics),)
        return ComposedEmail(kind, registration.email, subject, text, html, attachments)

    def subject(
        self, kind: str, *, event_title: str, extra: Mapping[str, Any] | None = None
    ) -> str:
        """The subject alone, as `compose` writes it: for an email whose bodies the worker
        writes later, the outbox and the attendee's data export show it meanwhile. Subjects
        name the event and an organiser's words, nothing more, so this builds none of the
        links the bodies need: every confirmation queues one, under the event's lock."""
        if kind not in KINDS:
            raise ValueError(f"{kind!r} is not an email about a registration")
        context = {"site_name": self.settings.site_name, "event": {"title": event_title}}
        return one_line(
            self.env.get_template(f"{kind}.subject.txt").render({**context, **(extra or {})})
        )

    def _context(
        self,
        kind: str,
        registration: Registration,
        event: Event,
        token: str | None,
        position: int | None,
        extra: Mapping[str, Any] | None,
        seated: bool | None,
    ) -> dict[str, Any]:
        if kind not in KINDS:
            raise ValueError(f"{kind!r} is not an email about a registration")
        if seated is None:
            seated = is_seated(registration)
        return {
            "site_name": self.settings.site_name,
            "registration": registration,
            "event": event,
            "event_url": self.urls("event_detail", slug=event.slug),
            "manage_url": self.urls("registration_manage", token=token) if token else None,
            "confirm_url": (self.urls("registration_confirm_page", token=token) if token else None),
            "position": position,
            "seated": seated,
            "online_url": join_link(registration, event, seated=seated),
            "directions": directions_links(event),
            "checkin_code": None,
            # Derived from the row as it is when the email is written (here, or in the mail
            # worker at send time): an email written after a Resend carries the fresh code.
            "confirmation_code": (
                confirmation_code(registration, self.settings.secret_key)
                if kind in WITH_CONFIRMATION_CODE
                else None
            ),
            "qr_cid": None,
            "qr_size": None,
            **(extra or {}),
        }

    def _checkin_qr(self, code: str) -> Attachment:
        # The same Content-ID for the same code: a message composed twice is the same bytes.
        domain = urlsplit(self.settings.base_url).hostname or "events.invalid"
        content_id = f"checkin-{code.lower()}@{domain}"
        return Attachment("check-in-code.png", "image/png", qr_png(code), content_id)
