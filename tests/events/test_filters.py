"""The events filters: a `to` before `from` is said and not guessed at, and the form is ready
for its script (a change applies at once) and folds on a phone (tests/browser/test_filters.py
drives both in Chromium)."""

from __future__ import annotations

from datetime import datetime, timedelta

from starlette.testclient import TestClient

from events_app.db import Database
from tests.factories import make_event
from tests.support.error_summary import assert_error_summary


def test_an_end_date_before_the_start_date_is_said_and_the_dates_are_kept(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, title="Next week", starts_at=now + timedelta(days=7),
               ends_at=now + timedelta(days=7, hours=2))  # fmt: skip
    response = client.get("/events", params={"from": "2026-12-20", "to": "2026-12-05"})
    assert response.status_code == 200
    assert "The end date must be on or after the start date." in response.text
    assert_error_summary(response.text, ["f-to"])
    assert 'value="2026-12-20"' in response.text
    assert 'value="2026-12-05"' in response.text
    assert "Next week" in response.text  # the dates are left out until put right


def test_the_form_folds_and_carries_its_script(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, title="Talk")
    html = client.get("/events").text
    assert '<details class="filters-fold">' in html  # folded until asked (a phone)
    assert "data-autosubmit" in html
    assert "/static/js/filters.js" in html
    assert '<details class="filters-fold" open>' in client.get("/events?format=online").text
