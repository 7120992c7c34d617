"""The map position in the JSON format: exported, imported, both or neither, within range;
a record without it keeps the stored position (files written before it was exported)."""

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


def position(db: Database, slug: str) -> tuple[float | None, float | None]:
    with db.read() as session:
        event = find_event(session=session, slug=slug)
        assert event is not None
        return event.latitude, event.longitude


def test_export_carries_the_position_and_import_restores_it(db: Database, now: datetime) -> None:
    make_event(db, now, slug="talk", latitude=39.9834, longitude=116.3162)
    make_event(db, now, slug="online", format="online", venue="")
    with db.read() as session:
        events = {e["slug"]: e for e in json.loads(export_json(session=session))["events"]}
    assert (events["talk"]["latitude"], events["talk"]["longitude"]) == (39.9834, 116.3162)
    assert (events["online"]["latitude"], events["online"]["longitude"]) == (None, None)

    record = events["talk"] | {"slug": "copy", "uid": None, "title": "Copy"}
    import_records(db, now, [record])
    assert position(db, "copy") == (39.9834, 116.3162)


def test_null_clears_the_position(db: Database, now: datetime) -> None:
    make_event(db, now, slug="talk", latitude=52.5, longitude=13.4)
    import_records(db, now, [timed("talk", latitude=None, longitude=None)])
    assert position(db, "talk") == (None, None)


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        ({"latitude": 52.5}, "longitude: give the longitude too, or neither"),
        ({"longitude": 13.4}, "latitude: give the latitude too, or neither"),
        ({"latitude": 95, "longitude": 13.4}, "latitude: "),
        ({"latitude": 52.5, "longitude": -181}, "longitude: "),
    ],
)
def test_a_bad_position_is_rejected(
    db: Database, now: datetime, values: dict[str, float], problem: str
) -> None:
    with pytest.raises(ImportRejected) as caught:
        import_records(db, now, [timed("talk", **values)])
    [rejection] = caught.value.rejections
    assert any(line.startswith(problem) for line in rejection.problems), rejection.problems
