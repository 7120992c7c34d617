"""The audit log page: newest first, filters, pages, and before/after as a diff."""

from __future__ import annotations

from datetime import datetime, timedelta

from starlette.testclient import TestClient

from events_app.audit.records import record_audit
from events_app.db import Database
from events_app.models import User
from tests.admin.web_helpers import sign_in
from tests.factories import make_user
from tests.support.error_summary import assert_error_summary


def log(
    db: Database, at: datetime, action: str, actor: User | None = None, **extra: object
) -> None:
    values: dict[str, object] = {
        "target_type": "event", "target_id": 1, "target_label": "Open Science Day",
        "before": None, "after": None, **extra,
    }  # fmt: skip
    with db.write() as session:
        record_audit(session=session, now=at, actor=actor, action=action, **values)  # type: ignore[arg-type]


def test_entries_newest_first_with_their_changes(
    client: TestClient, db: Database, now: datetime
) -> None:
    admin = make_user(db, now - timedelta(days=3), email="ada@example.org")
    sign_in(client, admin)
    before = {"title": "Old title", "capacity": 10}
    after = {"title": "New title", "capacity": 10}
    log(db, now - timedelta(days=1), "event.update", admin, before=before, after=after)
    page = client.get("/admin/audit").text
    assert page.index("event.update") < page.index("User created")
    assert '<del translate="no">Old title</del>' in page
    assert '<ins translate="no">New title</ins>' in page
    assert "capacity" not in page  # unchanged keys are not shown
    assert "Command line" in page  # make_user's entry has no actor
    assert "2 entries" in page


def test_filters_narrow_the_list_and_bad_ones_say_so(
    client: TestClient, db: Database, now: datetime
) -> None:
    admin = make_user(db, now - timedelta(days=10), email="ada@example.org")
    sign_in(client, admin)
    log(db, now - timedelta(days=2), "event.update", admin)
    log(db, now - timedelta(days=1), "article.update", admin, target_type="article")
    log(db, now, "event.delete", None)

    def count(query: str) -> str:
        page = client.get(f"/admin/audit?{query}").text
        return (
            page.split('class="result-count" role="status">')[1].split("<")[0]
            if "result-count" in page
            else "none"
        )

    assert count("") == "4 entries"
    assert count(f"actor={admin.id}") == "2 entries"
    assert count("actor=cli") == "2 entries"  # the user's creation and the deletion
    assert count("action=event.update") == "1 entry"
    assert count("target=article") == "1 entry"
    day = (now - timedelta(days=2)).date().isoformat()
    assert count(f"from={day}&to={day}") == "1 entry"
    assert count(f"from={(now - timedelta(days=1)).date().isoformat()}") == "2 entries"
    assert count("action=nothing.like.this") == "none"
    bad = client.get("/admin/audit?from=yesterday&actor=someone")
    assert bad.status_code == 200
    assert "Enter a date as YYYY-MM-DD." in bad.text
    assert "Choose one of the listed options." in bad.text
    assert "4 entries" in bad.text  # unreadable filters are left out, not guessed
    assert_error_summary(bad.text, ["a-actor", "a-from"])


def test_pages_of_fifty(client: TestClient, db: Database, now: datetime) -> None:
    admin = make_user(db, now - timedelta(days=1), email="ada@example.org")
    sign_in(client, admin)
    for minute in range(60):
        log(
            db,
            now + timedelta(minutes=minute),
            "event.update",
            admin,
            target_label=f"Event {minute:02}",
        )
    first = client.get("/admin/audit?action=event.update").text
    assert "Event 59" in first
    assert "Event 10" in first
    assert "Event 09" not in first
    assert 'href="/admin/audit?action=event.update&amp;page=2"' in first
    second = client.get("/admin/audit?action=event.update&page=2").text
    assert "Event 09" in second
    assert "Event 00" in second
    assert "Event 10" not in second
