"""The check-in page's JSON routes over HTTP: the door list a device keeps, a batch of
check-ins sent once, twice and from two devices, codes of another event or none, and who may
send one (a signed-in editor with the session's CSRF token in the X-CSRF-Token header). Also
the page's camera permission, its list of devices, the service worker's script, and the
sign-out that clears what a device kept."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from events_app.db import Database
from events_app.models import Event, Registration, User
from events_app.registration.notify import Notifier
from tests.admin.web_helpers import sign_in
from tests.factories import make_event, make_user
from tests.registration.helpers import confirm, register
from tests.registration.web_helpers import csrf_from

PAGE = "/admin/events/talk/checkin"
DOOR = PAGE + "/door.json"
SYNC = PAGE + "/sync"


@pytest.fixture
def editor(client: TestClient, db: Database, now: datetime) -> User:
    user = make_user(db, now, email="door@example.org", role="editor")
    sign_in(client, user)
    return user


@pytest.fixture
def event(db: Database, now: datetime) -> Event:
    return make_event(db, now, slug="talk", title="The Talk", capacity=5)


def seat(db: Database, now: datetime, notifier: Notifier, event: Event, name: str) -> Registration:
    email = name.split()[0].lower() + "@example.org"
    _, token = register(db, now, notifier, event.id, email, name=name)  # type: ignore[arg-type]
    return confirm(db, now, notifier, token)


def batch(device: str, *codes: tuple[str, str], pending: int = 0, at: str | None = None) -> Any:
    return {
        "device": {"id": device, "name": f"Phone {device[-4:]}"},
        "pending": pending,
        "checkins": [{"id": cid, "code": code, "at": at} for cid, code in codes],
    }


def post(client: TestClient, body: Any, token: str | None, path: str = SYNC) -> Any:
    headers = {"sec-fetch-site": "same-origin"}
    if token is not None:
        headers["x-csrf-token"] = token
    return client.post(path, json=body, headers=headers)


def count(client: TestClient) -> int:
    return sum(1 for a in client.get(DOOR).json()["attendees"] if a["checked_in_at"])


def test_the_door_list_is_the_seated_attendees_without_email(
    client: TestClient, db: Database, now: datetime, notifier: Notifier, editor: User, event: Event
) -> None:
    ada = seat(db, now, notifier, event, "Ada Lovelace")
    response = client.get(DOOR)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    data = response.json()
    assert data["event"] == {"slug": "talk", "title": "The Talk"}
    assert data["attendees"] == [
        {"code": ada.checkin_code, "name": "Ada Lovelace", "organisation": "", "guests": 0,
         "checked_in_at": None}
    ]  # fmt: skip
    assert "@" not in response.text
    assert datetime.fromisoformat(data["keep_until"]) == event.ends_at + timedelta(hours=12)
    assert client.get("/admin/events/nothing/checkin/door.json").status_code == 404


def test_a_batch_sent_twice_counts_once_and_answers_the_same(
    client: TestClient, db: Database, now: datetime, notifier: Notifier, editor: User, event: Event
) -> None:
    ada = seat(db, now, notifier, event, "Ada Lovelace")
    bob = seat(db, now, notifier, event, "Bob Byte")
    token = csrf_from(client, PAGE)
    body = batch(
        "device-aaaa", ("c-ada-00001", ada.checkin_code), ("c-bob-00001", bob.checkin_code)
    )
    first = post(client, body, token)
    assert first.status_code == 200
    assert [(r["id"], r["outcome"], r["name"]) for r in first.json()["results"]] == [
        ("c-ada-00001", "checked_in", "Ada Lovelace"), ("c-bob-00001", "checked_in", "Bob Byte"),
    ]  # fmt: skip
    again = post(client, body, token)  # the answer was lost, say: the device sends it again
    assert again.json()["results"] == first.json()["results"]
    assert count(client) == 2


def test_two_devices_checking_one_person_in_count_once(
    client: TestClient, db: Database, now: datetime, notifier: Notifier, editor: User, event: Event
) -> None:
    ada = seat(db, now, notifier, event, "Ada Lovelace")
    token = csrf_from(client, PAGE)
    one = post(client, batch("device-aaaa", ("a-000000001", ada.checkin_code)), token)
    two = post(client, batch("device-bbbb", ("b-000000001", ada.checkin_code), pending=2), token)
    assert one.json()["results"][0]["outcome"] == "checked_in"
    assert two.json()["results"][0]["outcome"] == "already"
    assert two.json()["results"][0]["checked_in_at"] == one.json()["results"][0]["checked_in_at"]
    assert count(client) == 1
    page = client.get(PAGE).text
    assert "1 of 1 checked in" in page
    # The organiser sees both devices, and that the second still holds two check-ins.
    assert "Phone aaaa" in page
    assert "Phone bbbb" in page
    assert "<td>2</td>" in page


def test_another_events_code_an_unknown_one_and_garbage(
    client: TestClient, db: Database, now: datetime, notifier: Notifier, editor: User, event: Event
) -> None:
    other = make_event(db, now, slug="other", title="Other Talk")
    eve = seat(db, now, notifier, other, "Eve Other")
    token = csrf_from(client, PAGE)
    body = batch(
        "device-aaaa", ("x-000000001", eve.checkin_code), ("x-000000002", "ABCD-EFGH"),
        ("x-000000003", "not a code"),
    )  # fmt: skip
    response = post(client, body, token)
    assert [r["outcome"] for r in response.json()["results"]] == [
        "other_event", "unknown", "invalid"
    ]  # fmt: skip
    assert all(r["name"] is None for r in response.json()["results"])  # nothing of the other
    for broken in (
        [],
        {"device": {"id": "short", "name": "x"}, "pending": 0, "checkins": []},
        {**batch("device-aaaa"), "pending": -1},
        batch("device-aaaa", ("bad id!", "ABCD-EFGH")),
        batch("device-aaaa", *[(f"many-{i:06d}", "ABCD-EFGH") for i in range(201)]),
    ):
        assert post(client, broken, token).status_code == 400, broken
    response = client.post(
        SYNC, content=b"{not json", headers={"x-csrf-token": token, "sec-fetch-site": "same-origin"}
    )
    assert response.status_code == 400
    assert (
        post(client, batch("device-aaaa"), token, "/admin/events/none/checkin/sync").status_code
        == 404
    )


def test_a_batch_without_the_sessions_token_or_session_is_refused(
    client: TestClient, db: Database, now: datetime, notifier: Notifier, editor: User, event: Event
) -> None:
    ada = seat(db, now, notifier, event, "Ada Lovelace")
    token = csrf_from(client, PAGE)
    body = batch("device-aaaa", ("c-ada-00001", ada.checkin_code))
    assert post(client, body, None).status_code == 403
    assert post(client, body, token + "x").status_code == 403
    cross_site = client.post(
        SYNC, json=body, headers={"x-csrf-token": token, "sec-fetch-site": "cross-site"}
    )
    assert cross_site.status_code == 403
    assert count(client) == 0
    # Signed out (every session ended): the old token is worth nothing, and the door list
    # is refused as JSON for the script, not with the sign-in page.
    client.post(
        "/admin/logout", data={"csrf_token": token}, headers={"sec-fetch-site": "same-origin"}
    )
    assert post(client, body, token).status_code == 401  # a session no more
    # Without a session, the sign-in form's pre-session token is not taken from the header.
    client.cookies.clear()
    assert post(client, body, csrf_from(client, "/admin/login")).status_code == 403
    refused = client.get(DOOR, follow_redirects=False)
    assert refused.status_code == 401
    assert refused.json() == {"error": "signed_out"}
    with db.read() as session:
        assert session.get(Registration, ada.id).status == "confirmed"  # type: ignore[union-attr]


def test_a_session_ended_elsewhere_keeps_its_token_but_not_its_access(
    client: TestClient, db: Database, now: datetime, notifier: Notifier, editor: User, event: Event
) -> None:
    from events_app.admin.users import end_sessions

    ada = seat(db, now, notifier, event, "Ada Lovelace")
    token = csrf_from(client, PAGE)
    with db.write() as session:
        end_sessions(session=session, user_id=editor.id)  # type: ignore[arg-type]
    response = post(client, batch("device-aaaa", ("c-ada-00001", ada.checkin_code)), token)
    assert response.status_code == 401
    assert response.json() == {"error": "signed_out"}


def test_the_page_may_use_the_camera_and_no_other_page_may(
    client: TestClient, db: Database, now: datetime, editor: User, event: Event
) -> None:
    page = client.get(PAGE)
    assert page.headers["permissions-policy"] == "camera=(self), microphone=(), geolocation=()"
    assert page.headers.get_list("permissions-policy") == [page.headers["permissions-policy"]]
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert 'id="door-scan"' in page.text
    assert "js/checkin.js" in page.text
    assert "camera=()" in client.get("/admin").headers["permissions-policy"]
    assert "camera=()" in client.get("/").headers["permissions-policy"]


def test_the_service_worker_and_the_sign_out_that_clears_the_device(
    client: TestClient, db: Database, now: datetime, editor: User, event: Event
) -> None:
    worker = client.get("/admin/checkin-sw.js")
    assert worker.status_code == 200
    assert worker.headers["content-type"].startswith("text/javascript")
    assert "self.registration.scope" in worker.text
    token = csrf_from(client, PAGE)
    out = client.post(
        "/admin/logout", data={"csrf_token": token}, headers={"sec-fetch-site": "same-origin"},
        follow_redirects=False,
    )  # fmt: skip
    assert out.status_code == 303
    assert out.headers["clear-site-data"] == '"storage"'
