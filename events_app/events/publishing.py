"""Publishing an event: now, at a moment (publish_at), back to draft, cancelled or postponed
with a reason the public page shows. Each is the event saved again with its status, go-live
moment and reason changed, through `update_event`, so the same rules hold: the event's lock,
SEQUENCE, the organiser's decision about telling attendees (cancelling always tells them),
the audit log. The public pages change at that moment: "live" is a query condition on the
clock, and the save raises the content version the page caches watch.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session

from events_app.events.queries import event_is_live
from events_app.events.writes import EventRefused, changed_data, update_event
from events_app.models import Event, EventStatus, User
from events_app.registration.notify import Notifier
from events_app.registration.service import lock_event


class Publication(StrEnum):
    publish = "publish"  # live now
    schedule = "schedule"  # live at publish_at
    unpublish = "unpublish"  # back to draft: gone from the public site
    cancel = "cancel"
    postpone = "postpone"


def allowed_publications(event: Event, now: datetime) -> list[Publication]:
    """What the event's page offers, given where it stands: a draft can go live now or at a
    moment; a scheduled event can go live now, at another moment, or back to draft (the
    "unschedule"); a live one can be postponed or cancelled (or taken back to draft, for one
    published by mistake); a cancelled or postponed one can take place again."""
    if event.status == EventStatus.draft:
        return [Publication.publish, Publication.schedule]
    if event.status == EventStatus.published:
        if not event_is_live(event, now):
            return [Publication.publish, Publication.schedule, Publication.unpublish]
        return [Publication.postpone, Publication.cancel, Publication.unpublish]
    offered = [Publication.publish, Publication.unpublish]
    if event.status == EventStatus.postponed:
        offered.append(Publication.cancel)
    return offered


def _changes(
    action: Publication, now: datetime, publish_at: datetime | None, reason: str
) -> dict[str, Any]:
    if action == Publication.publish:
        return {"status": EventStatus.published, "publish_at": None, "status_reason": ""}
    if action == Publication.schedule:
        if publish_at is None:
            raise EventRefused({"publish_at": "required"})
        if publish_at <= now:
            raise EventRefused({"publish_at": "past"})
        return {"status": EventStatus.published, "publish_at": publish_at, "status_reason": ""}
    if action == Publication.unpublish:
        return {"status": EventStatus.draft, "publish_at": None, "status_reason": ""}
    status = EventStatus.cancelled if action == Publication.cancel else EventStatus.postponed
    return {"status": status, "status_reason": reason}


def publish_event(
    *,
    session: Session,
    now: datetime,
    actor: User,
    event_id: int,
    action: Publication,
    notify: bool | None,
    notifier: Notifier,
    publish_at: datetime | None = None,
    reason: str = "",
) -> tuple[Event, int] | None:
    """Apply `action`; as `update_event` (raises NotifyDecisionNeeded, EventRefused)."""
    event = lock_event(session=session, event_id=event_id)  # read what it is now, locked
    if event is None:
        return None
    if action not in allowed_publications(event, now):
        # What the page offers is the rule, not only the page: a hand-made request cannot
        # cancel a draft or schedule a live event.
        raise EventRefused({"action": "choice"})
    try:
        data = changed_data(event, **_changes(action, now, publish_at, reason))
    except ValidationError as exc:  # the reason: too long, or control characters
        raise EventRefused({"reason": "too_long" if len(reason) > 1000 else "single_line"}) from exc
    return update_event(
        session=session,
        now=now,
        actor=actor,
        event_id=event_id,
        data=data,
        notify=notify,
        notifier=notifier,
        action=f"event.{action.value}",
    )
