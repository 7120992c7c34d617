"""approval_required and max_guests in the JSON format: exported, imported, checked; a record
without them keeps what is stored (files written before they were exported)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from events_app.db import Database
from events_app.events.editing import find_event
from events_app.transfer.checking import ImportRejected
from events_app.transfer.export import export_json
from tests.factories import make_event
from tests.transfer.test_json_import import import_records, timed


def rules(db: Database, slug: str) -> tuple[bool, int]:
    with db.read() as session:
        event = find_event(session=session, slug=slug)
        assert event is not None
        return event.approval_required, event.max_guests


def test_export_carries_them_and_import_restores_them(db: Database, now: datetime) -> None:
    make_event(db, now, slug="vetted", approval_required=True, max_guests=4)
    with db.read() as session:
        [event] = json.loads(export_json(session=session))["events"]
    assert (event["approval_required"], event["max_guests"]) == (True, 4)
    import_records(db, now, [event | {"slug": "copy", "uid": None, "title": "Copy"}])
    assert rules(db, "copy") == (True, 4)


def test_a_record_without_them_keeps_them(db: Database, now: datetime) -> None:
    make_event(db, now, slug="vetted", approval_required=True, max_guests=2)
    import_records(db, now, [timed("vetted")])
    assert rules(db, "vetted") == (True, 2)
    import_records(db, now, [timed("vetted", approval_required=False, max_guests=0)])
    assert rules(db, "vetted") == (False, 0)


@pytest.mark.parametrize(
    ("values", "problem"),
    [({"max_guests": 21}, "max_guests"), ({"max_guests": -1}, "max_guests")],
)
def test_a_bad_value_is_rejected(
    db: Database, now: datetime, values: dict[str, object], problem: str
) -> None:
    with pytest.raises(ImportRejected) as caught:
        import_records(db, now, [timed("talk", **values)])
    [rejection] = caught.value.rejections
    assert any(line.startswith(problem) for line in rejection.problems), rejection.problems
