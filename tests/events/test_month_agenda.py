"""The month view: on a phone a list of days (the grid is hidden there by CSS, see
tests/browser/test_phone_layout.py), with each event's time and state, and the placeholder
sentence while nothing is live."""

from __future__ import annotations

from datetime import datetime

from starlette.testclient import TestClient

from events_app.db import Database
from tests.factories import make_event


def test_the_month_view_lists_days_for_phones_and_says_the_placeholder_when_empty(
    client: TestClient, db: Database, now: datetime
) -> None:
    month = f"/events/calendar/{now.year}/{now.month}"
    placeholder = "We are creating some awesome events for you."
    assert placeholder in client.get(month).text  # nothing live yet
    make_event(db, now, slug="called-off", title="Called off", status="cancelled")
    html = client.get(month).text
    assert placeholder not in html
    agenda = html[html.index('class="agenda"') :]
    assert ">Called off</a>" in agenda
    assert "badge-cancelled" in agenda
    next_month = f"/events/calendar/{now.year + 1}/1" if now.month == 12 else month
    assert "No events this month." in client.get(next_month).text
