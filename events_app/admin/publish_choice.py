"""The event form's publishing section, for a new event or a draft: keep it a draft, publish
it on saving, or schedule it to go live at a moment (in the event's timezone). The choice is
carried out by the same publishing action as the buttons on the event's page
(events.publishing.publish_event), in the transaction that saves the form, so the rules
(a moment in the future, what a draft may become) are the same. An event past its draft
stage changes through those buttons only: its form leaves the publishing fields alone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from events_app.admin.form_errors import FormInput, text
from events_app.admin.local_times import Problem, resolve_instant
from events_app.events.publishing import Publication
from events_app.models import Event, EventStatus
from events_app.timezones import WallClockError, zone

KEEP_DRAFT = "draft"
# What the form's radio buttons send, and the publishing action each one stands for.
CHOICES: dict[str, Publication | None] = {
    KEEP_DRAFT: None,
    "publish": Publication.publish,
    "schedule": Publication.schedule,
}


def blank_publishing() -> dict[str, Any]:
    return {"publishing": KEEP_DRAFT, "publish_at": "", "publish_at_offset": ""}


def read_publishing(raw: FormInput, form: dict[str, Any]) -> None:
    """The section as sent, into `form` (kept as typed, to show back)."""
    form["publishing"] = text(raw, "publishing") or KEEP_DRAFT
    form["publish_at"] = text(raw, "publish_at")
    form["publish_at_offset"] = text(raw, "publish_at_offset")


def offers_publishing(event: Event | None) -> bool:
    """Whether the form shows the choice: for a new event or a draft only."""
    return event is None or event.status == EventStatus.draft


def publishing_choice(
    form: dict[str, Any], event: Event | None, problems: dict[str, Problem]
) -> tuple[Publication | None, datetime | None]:
    """The publishing action to take after saving (None: none) and its moment; a problem
    beside the field that is wrong. Whether the moment is still ahead is publish_event's
    rule, checked when it is carried out."""
    if not offers_publishing(event):
        return None, None
    if form["publishing"] not in CHOICES:
        problems["publishing"] = Problem("choice")
        return None, None
    action = CHOICES[form["publishing"]]
    if action != Publication.schedule:
        return action, None
    try:
        tz = zone(form["timezone"].strip())
    except WallClockError:
        return action, None  # said beside the timezone already
    moment, problem = resolve_instant(form["publish_at"], tz, form["publish_at_offset"])
    if problem is None and moment is None:
        problem = Problem("required")
    if problem is not None:
        problems["publish_at"] = problem
    return action, moment
