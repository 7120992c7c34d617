"""Migration 0006 gives every registration that existed before it a check-in code of its own,
and the ones already attended a check-in time; undone, it takes both away again."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import create_engine, inspect, select, text, update
from sqlmodel import col

from events_app.db import Database
from events_app.migrate import downgrade_database, upgrade_database
from events_app.models import Registration, RegistrationStatus
from events_app.registration.checkin_codes import normalise_code
from events_app.registration.notify import Notifier
from tests.factories import make_event
from tests.registration.helpers import register


def test_existing_registrations_get_unique_codes_and_attended_ones_a_time(
    database_url: str, db: Database, now: datetime, notifier: Notifier
) -> None:
    event = make_event(db, now)
    ids = [register(db, now, notifier, event.id, f"p{i}@example.org")[0].id for i in range(5)]
    later = now + timedelta(hours=2)
    with db.write() as session:
        session.execute(
            update(Registration)
            .where(col(Registration.id) == ids[0])
            .values(status=RegistrationStatus.attended, updated_at=later)
        )
    db.dispose()

    downgrade_database(database_url, "0004")
    engine = create_engine(database_url)
    columns = {c["name"] for c in inspect(engine).get_columns("registration")}
    assert not {"checkin_code", "checked_in_at"} & columns
    engine.dispose()

    upgrade_database(database_url)
    with db.read() as session:
        rows = {r.id: r for r in session.scalars(select(Registration)).all()}
    codes = [rows[i].checkin_code for i in ids]
    assert len(set(codes)) == len(ids)
    assert all(normalise_code(code) == code for code in codes)
    assert rows[ids[0]].checked_in_at == later
    assert [rows[i].checked_in_at for i in ids[1:]] == [None] * 4
    # The column is required and unique from now on.
    engine = create_engine(database_url)
    column = next(
        c for c in inspect(engine).get_columns("registration") if c["name"] == "checkin_code"
    )
    assert column["nullable"] is False
    unique = [
        index["column_names"]
        for index in inspect(engine).get_indexes("registration")
        if index["unique"]
    ]
    assert ["checkin_code"] in unique
    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM registration")).scalar()
    assert count == len(ids)
    engine.dispose()
