"""What the "Email N attendees" page lists: only what differs, old → new, the time worded as
the Changed email words it, in the event's zone and named."""

from __future__ import annotations

from datetime import datetime, timedelta

from events_app.admin.change_preview import Change, preview_changes
from events_app.db import Database
from events_app.events.writes import changed_data
from tests.factories import make_event


def test_only_what_differs_is_listed(db: Database, now: datetime) -> None:
    # Without an offset, the start is a wall-clock time in the event's zone.
    event = make_event(db, now, timezone="Asia/Shanghai", starts_at=datetime(2026, 12, 8, 1, 0))
    assert preview_changes(event, changed_data(event, title="Renamed"), "en") == []
    later = changed_data(
        event,
        starts_at=event.starts_at + timedelta(hours=1),
        ends_at=event.ends_at + timedelta(hours=1),
        address="1 New Road",
    )
    assert preview_changes(event, later, "en") == [
        Change(
            "when",
            "Tue 8 Dec 2026, 01:00–03:00 UTC+8 · Asia/Shanghai",
            "Tue 8 Dec 2026, 02:00–04:00 UTC+8 · Asia/Shanghai",
        ),
        Change("address", "", "1 New Road"),
    ]


def test_a_draft_published_on_saving_lists_its_new_status(db: Database, now: datetime) -> None:
    event = make_event(db, now, status="draft")
    changes = preview_changes(event, changed_data(event), "en", status="published")
    assert changes == [Change("status", "draft", "published")]
