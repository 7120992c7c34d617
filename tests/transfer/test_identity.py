"""Calendar identity across export and import: an event keeps its UID and SEQUENCE through a
backup and restore or a move between databases, and a record naming a stored UID updates that
event instead of creating a second one."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from events_app.db import Database
from events_app.models import Event
from events_app.transfer.checking import ImportRejected
from events_app.transfer.commands import read_document
from events_app.transfer.export import export_json
from events_app.transfer.service import ImportReport, import_document
from tests.factories import edit_event, make_article, make_event
from tests.support.postgres import empty_postgres
from tests.support.routes import site_urls


def _export(db: Database) -> bytes:
    with db.read() as session:
        return export_json(session=session)


def _import(db: Database, now: datetime, data: bytes) -> ImportReport:
    with db.write() as session:
        document = read_document(
            data, session=session, urls=site_urls("https://events.example.org")
        )
        return import_document(session=session, now=now, document=document)


def _identities(db: Database) -> dict[str, tuple[str, int]]:
    with db.read() as session:
        return {e.slug: (e.uid, e.sequence) for e in session.scalars(select(Event))}


def _event_count(db: Database) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(Event)) or 0)


@pytest.fixture
def sqlite_copies(tmp_path: Path, sqlite_template: Path) -> Iterator[list[Database]]:
    databases = []
    for name in ("first", "second"):
        path = tmp_path / f"{name}.db"
        shutil.copyfile(sqlite_template, path)
        databases.append(Database.from_url(f"sqlite:///{path}"))
    yield databases
    for database in databases:
        database.dispose()


@pytest.fixture
def fresh_postgres(postgres_database: str) -> Iterator[Database]:
    empty_postgres(postgres_database)
    database = Database.from_url(postgres_database)
    yield database
    database.dispose()


def test_sqlite_to_postgresql_and_back_keeps_every_uid_and_sequence(
    sqlite_copies: list[Database], fresh_postgres: Database, now: datetime
) -> None:
    source, back = sqlite_copies
    article = make_article(source, now, slug="notes")
    make_event(source, now, slug="moved-twice", articles=[article.slug], categories=["Talks"])
    edit_event(source, now, "moved-twice", venue="Annex")
    edit_event(source, now, "moved-twice", venue="Hall B")
    make_event(source, now, slug="untouched", status="draft")
    day = now.date() + timedelta(days=3)
    make_event(source, now, slug="all-day", all_day=True, starts_at=day, ends_at=day)
    before = _identities(source)
    assert before["moved-twice"][1] == 2  # the round trip has a SEQUENCE to lose
    exported = _export(source)

    _import(fresh_postgres, now, exported)
    assert _identities(fresh_postgres) == before
    from_postgres = _export(fresh_postgres)
    _import(back, now, from_postgres)

    assert _identities(back) == before
    assert from_postgres == exported
    assert _export(back) == exported


def test_a_stored_uid_updates_its_event_even_under_a_new_slug(db: Database, now: datetime) -> None:
    make_event(db, now, slug="old-name", title="Old title")
    record = json.loads(_export(db))["events"][0]
    uid = record["uid"]

    report = _import(db, now, json.dumps([record | {"slug": "new-name", "title": "New"}]).encode())

    assert report.updated == [("event", "new-name")]
    assert report.created == []
    assert _event_count(db) == 1
    assert _identities(db) == {"new-name": (uid, 0)}


def test_importing_the_export_again_changes_nothing(db: Database, now: datetime) -> None:
    make_event(db, now, slug="talk")
    edit_event(db, now, "talk", venue="Elsewhere")
    exported = _export(db)

    report = _import(db, now, exported)

    assert report.unchanged == [("event", "talk")]
    assert report.created == report.updated == []
    assert _export(db) == exported


def test_a_higher_sequence_is_taken_and_a_lower_one_never_lowers_it(
    db: Database, now: datetime
) -> None:
    make_event(db, now, slug="raised")
    make_event(db, now, slug="kept")
    edit_event(db, now, "kept", venue="Annex")
    edit_event(db, now, "kept", venue="Hall")
    records = {r["slug"]: r for r in json.loads(_export(db))["events"]}

    report = _import(
        db,
        now,
        json.dumps(
            [records["raised"] | {"sequence": 7}, records["kept"] | {"sequence": 0}]
        ).encode(),
    )

    assert report.updated == [("event", "raised")]
    assert report.unchanged == [("event", "kept")]
    sequences = {slug: sequence for slug, (_uid, sequence) in _identities(db).items()}
    assert sequences == {"raised": 7, "kept": 2}


def test_a_new_uid_on_a_stored_slug_is_rejected_and_nothing_is_written(
    db: Database, now: datetime
) -> None:
    stored = make_event(db, now, slug="taken")
    record = json.loads(_export(db))["events"][0] | {"uid": "other@example.org", "title": "X"}

    with pytest.raises(ImportRejected) as caught:
        _import(db, now, json.dumps([record]).encode())

    (rejection,) = caught.value.rejections
    assert rejection.problems == (
        f"slug: already the slug of a stored event with another UID ({stored.uid});"
        " remove the record's uid to update that event, or change the slug",
    )
    assert _identities(db) == {"taken": (stored.uid, 0)}


@pytest.mark.parametrize(
    ("identity", "problem"),
    [
        ({"uid": ""}, "uid: must be a non-empty string (or left out for a new UID)"),
        ({"uid": 12}, "uid: must be a non-empty string (or left out for a new UID)"),
        ({"uid": "x" * 121}, "uid: must be at most 120 characters"),
        ({"uid": "a\nb"}, "uid: must be one line without control characters"),
        ({"sequence": -1}, "sequence: must be a whole number from 0 to 2147483647"),
        ({"sequence": "3"}, "sequence: must be a whole number from 0 to 2147483647"),
        ({"sequence": True}, "sequence: must be a whole number from 0 to 2147483647"),
    ],
)
def test_a_bad_uid_or_sequence_is_rejected(
    db: Database, now: datetime, identity: dict[str, Any], problem: str
) -> None:
    record = {
        "slug": "new", "title": "New", "timezone": "UTC",
        "starts_at": "2026-12-08T18:00:00+00:00", "ends_at": "2026-12-08T19:00:00+00:00",
    } | identity  # fmt: skip

    with pytest.raises(ImportRejected) as caught:
        _import(db, now, json.dumps([record]).encode())

    assert caught.value.rejections[0].problems == (problem,)
    assert _event_count(db) == 0


def test_a_new_record_with_a_uid_is_created_with_it(db: Database, now: datetime) -> None:
    record = {
        "slug": "restored", "title": "Restored", "timezone": "UTC", "uid": "abc@elsewhere",
        "sequence": 4, "starts_at": "2026-12-08T18:00:00+00:00",
        "ends_at": "2026-12-08T19:00:00+00:00",
    }  # fmt: skip

    report = _import(db, now, json.dumps([record]).encode())

    assert report.created == [("event", "restored")]
    assert _identities(db) == {"restored": ("abc@elsewhere", 4)}
