"""Dates far outside any event's life (year 9999 in Etc/GMT+12, year 1) are a field error in
the back office, never a 500."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from starlette.testclient import TestClient

from events_app.admin.event_form import blank_form
from events_app.db import Database
from events_app.models import User
from tests.admin.event_helpers import post_event_form
from tests.admin.test_event_action_views import publication
from tests.admin.web_helpers import sign_in
from tests.factories import make_event, make_user

NEW = "/admin/events/new"
IDS = {
    "starts_at": "ev-starts",
    "ends_at": "ev-ends",
    "start_date": "ev-start-date",
    "end_date": "ev-end-date",
    "registration_opens_at": "ev-reg-opens",
    "registration_closes_at": "ev-reg-closes",
}


@pytest.fixture
def editor(client: TestClient, db: Database, now: datetime) -> User:
    user = make_user(db, now, role="editor", email="ed@example.org")
    sign_in(client, user)
    return user


def timed(**fields: object) -> dict[str, object]:
    return (
        blank_form("Etc/GMT+12")
        | {
            "title": "Far future",
            "starts_at": "2026-12-08T14:00",
            "ends_at": "2026-12-08T16:00",
            "venue": "Main Hall",
        }
        | fields
    )


def all_day(**fields: object) -> dict[str, object]:
    return (
        blank_form("Etc/GMT+12")
        | {
            "title": "Far future",
            "all_day": True,
            "start_date": "2026-12-08",
            "end_date": "2026-12-08",
            "venue": "Main Hall",
        }
        | fields
    )


@pytest.mark.parametrize(
    ("form", "field"),
    [
        (timed(ends_at="9999-12-31T23:59"), "ends_at"),
        (timed(starts_at="9999-12-31T22:00", ends_at="9999-12-31T23:59"), "starts_at"),
        (timed(starts_at="0001-01-01T00:00"), "starts_at"),
        (all_day(end_date="9999-12-31"), "end_date"),
        (all_day(start_date="9999-12-30", end_date="9999-12-31"), "start_date"),
        (timed(registration_closes_at="9999-12-31T23:59"), "registration_closes_at"),
        (timed(registration_opens_at="0001-01-01T00:00"), "registration_opens_at"),
    ],
    ids=["end", "start", "year-1", "all-day-end", "all-day-start", "closes", "opens"],
)
def test_dates_outside_1970_to_2200_are_a_field_error(
    client: TestClient, editor: User, form: dict[str, object], field: str
) -> None:
    response = post_event_form(client, NEW, form, action="save")
    assert response.status_code == 400, response.text[-2000:]
    error = re.search(r'<p class="field-error" id="([\w-]+)-error">([^<]*)</p>', response.text)
    assert error is not None
    assert error.group(1) == IDS[field]
    assert "between the years 1970 and 2200" in error.group(2)


def test_a_go_live_moment_outside_the_range_is_a_field_error(
    client: TestClient, db: Database, now: datetime, editor: User
) -> None:
    make_event(db, now, slug="talk", status="draft", timezone="Etc/GMT+12")
    response = publication(client, "talk", "schedule", publish_at="9999-12-31T23:59")
    assert response.status_code == 400
    assert "between the years 1970 and 2200" in response.text
