"""What an attacker (or a careless hand) can put in an import file: a line break or a
direction override in a one-line field, a year far outside any event's life, and `null` for
an optional field. The first two are reported per record and nothing is written; null is
taken as empty."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest

from events_app.db import Database
from events_app.events.editing import find_event
from events_app.transfer.checking import ImportRejected
from tests.transfer.test_ics_import import event_count, import_bytes, vcalendar
from tests.transfer.test_json_import import import_records, timed

HOSTILE = {
    "lf": "Talk\nBcc: x@example.org",
    "cr": "Talk\rX",
    "nul": "Talk\x00",
    "nel": "Talk\x85",
    "line-sep": "Talk\u2028",
    "para-sep": "Talk\u2029",
    "rlo": "Talk \u202egnp.exe",
    "rli": "Talk \u2067x\u2069",
}
ONE_LINE_FIELDS = ["title", "venue", "address"]


def problems(db: Database, now: datetime, document: Any) -> list[str]:
    with pytest.raises(ImportRejected) as caught:
        import_records(db, now, document)
    return [problem for r in caught.value.rejections for problem in r.problems]


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("field", ONE_LINE_FIELDS)
def test_a_break_in_a_one_line_field_is_refused_in_a_json_import(
    db: Database, now: datetime, field: str, text: str
) -> None:
    found = problems(db, now, {"events": [timed("talk", **{field: text})]})
    assert len(found) == 1
    assert found[0].startswith(f"{field}: must be a single line")


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_break_in_a_category_name_or_author_is_refused(
    db: Database, now: datetime, text: str
) -> None:
    found = problems(db, now, {"events": [timed("talk", categories=["Science", text])]})
    assert found == [f"categories[1]: {found[0].split(': ', 1)[1]}"]
    article = {"slug": "news", "title": "News", "author": text}
    assert problems(db, now, {"articles": [article]})[0].startswith("author: must be a single")


def test_an_escaped_newline_in_an_ics_summary_is_refused(db: Database, now: datetime) -> None:
    data = vcalendar(
        "UID:one\nSUMMARY:Talk\\nBcc: x@example.org\nDTSTART:20261210T100000Z\n"
        "DTEND:20261210T110000Z"
    )
    with pytest.raises(ImportRejected) as caught:
        import_bytes(db, now, data)
    [rejection] = caught.value.rejections
    assert rejection.problems[0].startswith("title: must be a single line")
    assert event_count(db) == 0


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"ends_at": "9999-12-31T23:59:00-12:00"}, "ends_at"),
        ({"starts_at": "0001-01-01T00:00:00+14:00"}, "starts_at"),
        (
            {"all_day": True, "starts_at": "2026-12-08", "ends_at": "9999-12-31"},
            "ends_at",
        ),
        ({"publish_at": "2201-01-01T00:00:00+00:00"}, "publish_at"),
    ],
    ids=["end", "start", "all-day-end", "publish-at"],
)
def test_years_outside_1970_to_2200_are_refused_in_a_json_import(
    db: Database, now: datetime, values: dict[str, Any], field: str
) -> None:
    record = timed("talk", timezone="Etc/GMT+12", **values)
    found = problems(db, now, {"events": [record]})
    assert found == [f"{field}: must be between the years 1970 and 2200"]


def test_years_outside_the_range_are_refused_in_an_ics_import(db: Database, now: datetime) -> None:
    data = vcalendar(
        "UID:far\nSUMMARY:Far\nDTSTART;TZID=Etc/GMT+12:99991231T220000\n"
        "DTEND;TZID=Etc/GMT+12:99991231T235900",
        "UID:day\nSUMMARY:Day\nDTSTART;VALUE=DATE:99991231\nDTEND;VALUE=DATE:99991231",
    )
    with pytest.raises(ImportRejected) as caught:
        import_bytes(db, now, data)
    assert len(caught.value.rejections) == 2
    for rejection in caught.value.rejections:
        assert any("between the years 1970 and 2200" in p for p in rejection.problems)
    assert event_count(db) == 0


OPTIONAL_TEXT = ["summary", "description", "venue", "address", "online_url"]


def test_null_is_empty_for_every_optional_field(db: Database, now: datetime) -> None:
    record = timed("talk", **dict.fromkeys(OPTIONAL_TEXT))
    record |= {"categories": None, "articles": None, "capacity": None, "publish_at": None}
    record |= {"format": None, "status": None, "all_day": None}
    import_records(db, now, {"events": [record], "articles": [
        {"slug": "news", "title": "News", "summary": None, "body": None, "author": None,
         "categories": None, "published_at": None}
    ]})  # fmt: skip
    with db.read() as session:
        event = find_event(session=session, slug="talk")
        assert event is not None
        assert [getattr(event, name) for name in OPTIONAL_TEXT] == [""] * len(OPTIONAL_TEXT)
        assert (event.capacity, event.format, event.all_day) == (None, "in_person", False)


def test_null_for_a_required_field_says_it_is_required(db: Database, now: datetime) -> None:
    assert problems(db, now, {"events": [timed("talk", title=None)]}) == ["title: is required"]


def test_an_import_file_with_nulls_reads_as_json(db: Database, now: datetime) -> None:
    data = json.dumps({"events": [timed("talk", online_url=None)]}).encode()
    assert b'"online_url": null' in data
    import_records(db, now, json.loads(data))
    with db.read() as session:
        event = find_event(session=session, slug="talk")
        assert event is not None
        assert event.online_url == ""


def test_markdown_that_would_render_for_seconds_is_refused_in_imports(
    db: Database, now: datetime
) -> None:
    hostile = "*[" * 24_900  # about 4.7 s to render before the limit
    found = problems(db, now, {"events": [timed("talk", description=hostile)]})
    assert found == ["description: has more than 1000 square brackets: use fewer links"]
    article = {"slug": "news", "title": "News", "body": hostile}
    assert problems(db, now, {"articles": [article]}) == [
        "body: has more than 1000 square brackets: use fewer links"
    ]
    with pytest.raises(ImportRejected) as caught:
        import_bytes(
            db,
            now,
            vcalendar(
                f"UID:one\nSUMMARY:Talk\nDESCRIPTION:{hostile}\nDTSTART:20261210T100000Z\n"
                "DTEND:20261210T110000Z"
            ),
        )
    [rejection] = caught.value.rejections
    assert list(rejection.problems) == [
        "description: has more than 1000 square brackets: use fewer links"
    ]
    assert event_count(db) == 0
