"""An event's questions in the transfer format: exported, imported back the same, replaced
by a record that has the key, kept by one that has not, and refused when malformed."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import text

from events_app.db import Database
from events_app.events.editing import find_event
from events_app.transfer.checking import ImportRejected
from events_app.transfer.export import export_json
from tests.factories import SAMPLE_QUESTIONS, make_event, set_questions
from tests.support.settings import TABLES
from tests.transfer.test_json_import import import_records, timed


def _export(db: Database) -> bytes:
    with db.read() as session:
        return export_json(session=session)


def _questions(db: Database, slug: str) -> list[dict[str, object]]:
    with db.read() as session:
        event = find_event(session=session, slug=slug)
        assert event is not None
        return list(event.questions)


def test_questions_round_trip(db: Database, now: datetime) -> None:
    event = make_event(db, now, slug="talk")
    set_questions(db, now, event.id, SAMPLE_QUESTIONS)
    make_event(db, now, slug="plain")
    exported = _export(db)
    events = {e["slug"]: e for e in json.loads(exported)["events"]}
    assert events["talk"]["questions"] == SAMPLE_QUESTIONS
    assert events["plain"]["questions"] == []
    with db.write() as session:
        for table in TABLES:
            session.execute(text(f"DELETE FROM {table}"))
    report = import_records(db, now, json.loads(exported))
    assert len(report.created) == 2
    assert _questions(db, "talk") == SAMPLE_QUESTIONS
    assert _export(db) == exported
    again = import_records(db, now, json.loads(exported))
    assert len(again.unchanged) == 2  # the same questions change nothing


def test_a_record_replaces_the_questions_or_keeps_them_without_the_key(
    db: Database, now: datetime
) -> None:
    import_records(db, now, {"events": [timed("talk", questions=SAMPLE_QUESTIONS)]})
    assert _questions(db, "talk") == SAMPLE_QUESTIONS
    import_records(db, now, {"events": [timed("talk", title="New title")]})
    assert _questions(db, "talk") == SAMPLE_QUESTIONS
    short = [{"key": "diet", "label": "Diet", "kind": "text"}]  # the rest has defaults
    report = import_records(
        db, now, {"events": [timed("talk", title="New title", questions=short)]}
    )
    assert report.updated == [("event", "talk")]
    assert _questions(db, "talk") == [
        {"key": "diet", "label": "Diet", "kind": "text", "required": False, "help": "",
         "choices": []}
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("questions", "problem"),
    [
        ("diet", "questions: must be a list of questions"),
        ([{"key": "Diet!", "label": "Diet", "kind": "text"}], "questions[0].key:"),
        ([{"key": "d", "label": "a\r\nb", "kind": "text"}], "questions[0].label:"),
        ([{"key": "d", "label": "D", "kind": "upload"}], "questions[0].kind:"),
        ([{"key": "d", "label": "D", "kind": "choice", "choices": ["x"]}], "questions[0].choices"),
        ([{"key": "d", "label": "D", "kind": "text", "colour": "red"}], "questions[0].colour:"),
        ([SAMPLE_QUESTIONS[0], SAMPLE_QUESTIONS[0]], "questions: each key must be different"),
    ],
)
def test_malformed_questions_reject_the_record(
    db: Database, now: datetime, questions: object, problem: str
) -> None:
    with pytest.raises(ImportRejected) as rejected:
        import_records(db, now, {"events": [timed("talk", questions=questions)]})
    [rejection] = rejected.value.rejections
    assert any(line.startswith(problem) for line in rejection.problems), rejection.problems
    with db.read() as session:
        assert find_event(session=session, slug="talk") is None
