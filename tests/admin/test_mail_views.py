"""The failed-mail page (admins only): the list, "Send again" for one email and for a
selection, CSRF, and the dashboard's count linking to it."""

from __future__ import annotations

from datetime import datetime

from starlette.testclient import TestClient

from events_app.audit.records import AuditFilters, list_audit
from events_app.db import Database
from events_app.models import OutboxStatus
from events_app.registration.notify import Notifier
from tests.admin.web_helpers import sign_in
from tests.factories import fail_due_mail, make_event, make_user
from tests.registration.helpers import outbox, register
from tests.registration.web_helpers import csrf_from

PAGE = "/admin/mail/failed"


def _failed(db: Database, now: datetime, notifier: Notifier, count: int = 2) -> list[int]:
    event = make_event(db, now, slug="talk", title="Open Lab Evening")
    assert event.id is not None
    for number in range(count):
        register(db, now, notifier, event.id, f"guest{number}@example.org")
    return fail_due_mail(db, now, error="550 mailbox unavailable")


def _statuses(db: Database) -> dict[int | None, str]:
    return {message.id: str(message.status) for message in outbox(db)}


def _post(client: TestClient, data: dict[str, object]) -> object:
    fields = {"csrf_token": csrf_from(client, PAGE), **data}
    return client.post(PAGE, data=fields, follow_redirects=False)  # type: ignore[arg-type]


def test_admins_see_every_failed_email_with_its_error_and_event(
    client: TestClient, db: Database, now: datetime, notifier: Notifier
) -> None:
    _failed(db, now, notifier)
    sign_in(client, make_user(db, now, email="admin@example.org"))

    page = client.get(PAGE)

    assert page.status_code == 200
    assert "2 failed emails." in page.text
    assert page.text.count("guest0@example.org") == 3  # the cell, and two labels
    assert "550 mailbox unavailable" in page.text
    assert '<a href="/events/talk" translate="no">Open Lab Evening</a>' in page.text
    assert page.text.count(">Send again</button>") == 2


def test_editors_are_refused_and_nothing_is_listed(
    client: TestClient, db: Database, now: datetime, notifier: Notifier
) -> None:
    _failed(db, now, notifier)
    sign_in(client, make_user(db, now, email="ed@example.org", role="editor"))

    page = client.get(PAGE)

    assert page.status_code == 403
    assert "guest0@example.org" not in page.text
    assert "failed email" not in client.get("/admin").text


def test_send_again_queues_that_one_email_and_audits_it(
    client: TestClient, db: Database, now: datetime, notifier: Notifier
) -> None:
    first, second = _failed(db, now, notifier)
    sign_in(client, make_user(db, now, email="admin@example.org"))

    response = _post(client, {"message": str(second), "selected": str(first)})

    assert response.status_code == 303  # type: ignore[attr-defined]
    assert response.headers["location"] == f"{PAGE}?queued=1"  # type: ignore[attr-defined]
    assert _statuses(db) == {first: OutboxStatus.failed, second: OutboxStatus.pending}
    assert "1 email is queued to be sent again." in client.get(f"{PAGE}?queued=1").text
    with db.read() as session:
        (entry,) = list_audit(session=session, filters=AuditFilters(action="mail.retry")).items
    assert (entry.actor_email, entry.target_id) == ("admin@example.org", str(second))


def test_the_selection_is_sent_again_together(
    client: TestClient, db: Database, now: datetime, notifier: Notifier
) -> None:
    ids = _failed(db, now, notifier, count=3)
    sign_in(client, make_user(db, now, email="admin@example.org"))

    response = _post(client, {"selected": [str(ids[0]), str(ids[2]), "x", "99999999999999"]})

    assert response.headers["location"] == f"{PAGE}?queued=2"  # type: ignore[attr-defined]
    assert _statuses(db) == {
        ids[0]: OutboxStatus.pending, ids[1]: OutboxStatus.failed, ids[2]: OutboxStatus.pending
    }  # fmt: skip


def test_nothing_selected_says_so_and_changes_nothing(
    client: TestClient, db: Database, now: datetime, notifier: Notifier
) -> None:
    ids = _failed(db, now, notifier)
    sign_in(client, make_user(db, now, email="admin@example.org"))

    response = _post(client, {})

    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "select at least one email" in response.text  # type: ignore[attr-defined]
    assert set(_statuses(db).values()) == {OutboxStatus.failed}
    assert len(ids) == 2


def test_a_post_without_the_csrf_token_is_refused(
    client: TestClient, db: Database, now: datetime, notifier: Notifier
) -> None:
    first, _second = _failed(db, now, notifier)
    sign_in(client, make_user(db, now, email="admin@example.org"))

    response = client.post(PAGE, data={"message": str(first)}, follow_redirects=False)

    assert response.status_code == 403
    assert set(_statuses(db).values()) == {OutboxStatus.failed}


def test_the_dashboard_counts_failed_email_and_links_to_the_page(
    client: TestClient, db: Database, now: datetime, notifier: Notifier
) -> None:
    sign_in(client, make_user(db, now, email="admin@example.org"))
    assert f'<a href="{PAGE}">0 failed emails</a>' in client.get("/admin").text

    _failed(db, now, notifier)

    dashboard = client.get("/admin").text
    assert f'<a href="{PAGE}">2 failed emails</a>' in dashboard
    assert "they can be sent again" in dashboard
