"""POST /api/v1/events/{slug}/registrations: the form's rules, answers and limits, over JSON."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from events_app.clock import FrozenClock
from events_app.db import Database
from events_app.models import Registration
from events_app.registration.service import RESEND_COOLDOWN
from tests.api.helpers import BASE, api_client, problem
from tests.factories import make_event
from tests.registration.helpers import outbox, statuses
from tests.registration.web_helpers import https_client, register_form

ADA = {"name": "Ada Lovelace", "email": "ada@example.org", "organisation": "AE", "consent": True}


def post(client: TestClient, slug: str, body: Any = None, **kwargs: Any) -> Any:
    return client.post(f"/api/v1/events/{slug}/registrations", json=body or ADA, **kwargs)


def registrations(db: Database) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(Registration)) or 0)


def test_a_registration_is_accepted_and_the_confirmation_email_written(
    client: TestClient, db: Database, now: datetime
) -> None:
    event = make_event(db, now, slug="talk", title="Quantum talk", capacity=2)
    assert client.get("/api/v1/events/talk").json()["registration"]["seats_left"] == 2
    response = post(client, "talk")
    assert response.status_code == 202
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-store"
    assert "set-cookie" not in response.headers  # no cookie needed, none given
    body = response.json()
    assert body["status"] == "accepted"
    assert "Quantum talk" in body["message"]
    assert statuses(db, event.id) == {"ada@example.org": "pending"}  # type: ignore[arg-type]
    assert [(m.kind, m.to_address) for m in outbox(db)] == [("confirm_request", "ada@example.org")]
    seats = client.get("/api/v1/events/talk").json()["registration"]["seats_left"]
    assert seats == 1  # the hold counts at once, although the page cache kept the event


def test_the_same_answer_for_a_new_and_a_known_address(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    make_event(db, clock.now(), slug="talk")
    first = post(client, "talk")
    clock.advance(RESEND_COOLDOWN)
    again = post(client, "talk", {**ADA, "email": "ADA@example.org", "name": "Someone else"})
    other = post(client, "talk", {**ADA, "email": "grace@example.org"})
    assert first.status_code == again.status_code == other.status_code == 202
    assert first.content == again.content == other.content
    headers = [{k: v for k, v in r.headers.items() if k != "date"} for r in (first, again, other)]
    assert headers[0] == headers[1] == headers[2]
    # What happened differs only in the emails: a confirmation, then the same link again.
    kinds = [(m.kind, m.to_address) for m in outbox(db)]
    assert kinds == [
        ("confirm_request", "ada@example.org"),
        ("manage_link", "ada@example.org"),
        ("confirm_request", "grace@example.org"),
    ]
    assert registrations(db) == 2


@pytest.mark.parametrize(
    ("content_type", "content"),
    [
        ("application/x-www-form-urlencoded", b"name=Ada&email=ada%40example.org&consent=yes"),
        ("multipart/form-data; boundary=x", b'--x\r\nContent-Disposition: form-data; name="n"\r\n'),
        ("text/plain", b'{"name": "Ada", "email": "ada@example.org", "consent": true}'),
        (None, b'{"name": "Ada", "email": "ada@example.org", "consent": true}'),
    ],
)
def test_what_a_cross_site_form_can_send_is_refused_with_415(
    client: TestClient, db: Database, now: datetime, content_type: str | None, content: bytes
) -> None:
    make_event(db, now, slug="talk")
    headers = {"content-type": content_type} if content_type else {}
    response = client.post("/api/v1/events/talk/registrations", content=content, headers=headers)
    body = problem(response, 415)
    assert body["title"] == "Unsupported Media Type"
    assert response.headers["accept-post"] == "application/json"
    assert registrations(db) == 0
    assert outbox(db) == []


def test_json_with_a_charset_is_json(client: TestClient, db: Database, now: datetime) -> None:
    make_event(db, now, slug="talk")
    response = client.post(
        "/api/v1/events/talk/registrations",
        content=b'{"name": "Ada", "email": "ada@example.org", "consent": true}',
        headers={"content-type": "Application/JSON; charset=utf-8"},
    )
    assert response.status_code == 202


def test_a_body_that_is_not_json_is_a_400(client: TestClient, db: Database, now: datetime) -> None:
    make_event(db, now, slug="talk")
    for content in (b"{name: Ada", b"", b"\xff\xfe"):
        response = client.post(
            "/api/v1/events/talk/registrations",
            content=content,
            headers={"content-type": "application/json"},
        )
        assert problem(response, 400)["detail"] == "The body is not valid JSON."
    assert registrations(db) == 0


def test_invalid_fields_are_a_422_pointing_at_each(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="talk")
    response = post(
        client,
        "talk",
        {"name": "  ", "email": "not-an-address", "organisation": "A\nB", "consent": False},
    )
    body = problem(response, 422)
    assert body["type"] == f"{BASE}/api/docs#problem-invalid-body"
    assert {(e["pointer"], e["code"]) for e in body["errors"]} == {
        ("#/name", "required"),
        ("#/email", "invalid"),
        ("#/organisation", "single_line"),
        ("#/consent", "required"),
    }
    strict = post(client, "talk", {**ADA, "consent": "yes", "name": "x" * 201})
    assert {(e["pointer"], e["code"]) for e in problem(strict, 422)["errors"]} == {
        ("#/consent", "invalid"),  # JSON's true, not a word that means it
        ("#/name", "too_long"),
    }
    missing = post(client, "talk", {"name": "Ada"})
    assert {e["pointer"] for e in problem(missing, 422)["errors"]} == {"#/email", "#/consent"}
    not_an_object = post(client, "talk", ["Ada"])
    assert problem(not_an_object, 422)["errors"][0]["pointer"] == "#"
    assert registrations(db) == 0
    assert outbox(db) == []


def test_closed_and_missing_events(client: TestClient, db: Database, now: datetime) -> None:
    make_event(db, now, slug="off", status="cancelled")
    make_event(db, now, slug="later", registration_opens_at=now + timedelta(days=1))
    make_event(db, now, slug="draft", status="draft")
    off = problem(post(client, "off"), 409)
    assert (off["type"], off["reason"]) == (
        f"{BASE}/api/docs#problem-registration-closed",
        "cancelled",
    )
    assert problem(post(client, "later"), 409)["reason"] == "not_yet"
    assert problem(post(client, "draft"), 404) == problem(post(client, "missing"), 404)
    assert registrations(db) == 0


def test_an_oversized_body_is_a_413_before_it_is_read(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="talk")
    limit = client.app.state.context.settings.max_body_bytes  # type: ignore[attr-defined]
    response = post(client, "talk", {**ADA, "organisation": "x" * limit})
    assert problem(response, 413)["title"] == "Content Too Large"
    assert registrations(db) == 0


def test_the_rate_limit_is_the_forms_shared_and_answers_429_with_retry_after(
    database_url: str, db: Database, clock: FrozenClock, now: datetime
) -> None:
    make_event(db, now, slug="talk")
    limits = {"rate_limit_enabled": True, "rate_limit_register": "3/hour"}
    with api_client(database_url, db, clock, **limits) as client:
        # Invalid requests are not counted, as on the form.
        assert post(client, "talk", {**ADA, "email": "bad"}).status_code == 422
        assert post(client, "talk", {**ADA, "email": "a@example.org"}).status_code == 202
        assert post(client, "talk", {**ADA, "email": "b@example.org"}).status_code == 202
        # The form counts in the same bucket for the same client address.
        with https_client(client.app) as browser:
            assert register_form(browser, "talk", email="c@example.org").status_code == 303
            assert register_form(browser, "talk", email="d@example.org").status_code == 429
        refused = post(client, "talk", {**ADA, "email": "e@example.org"})
    body = problem(refused, 429)
    assert body["type"] == f"{BASE}/api/docs#problem-rate-limited"
    assert 1 <= int(refused.headers["retry-after"]) <= 3600
    assert registrations(db) == 3


def test_no_csrf_cookie_is_needed_and_a_stale_one_changes_nothing(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="talk")
    client.cookies.set("events_csrf", "forged")
    assert post(client, "talk").status_code == 202


def test_null_is_an_empty_organisation_and_the_document_says_so(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="talk")
    response = post(client, "talk", {**ADA, "organisation": None})
    assert response.status_code == 202
    with db.read() as session:
        assert session.scalars(select(Registration.organisation)).all() == [""]
    schema = client.get("/api/openapi.json").json()["components"]["schemas"]
    organisation = schema["RegistrationCreate"]["properties"]["organisation"]
    assert {"type": "null"} in organisation["anyOf"]
    assert post(client, "talk", {**ADA, "name": None}).status_code == 422
