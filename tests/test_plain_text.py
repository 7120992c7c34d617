"""Hostile text, end to end. Single-line fields refuse line breaks, NEL, U+2028/U+2029 and
bidi overrides with a field error wherever they are entered (back-office forms, the API);
text that is allowed but awkward (markup, quotes, iCalendar and CSV metacharacters, emoji)
goes through every field into every output: pages, feeds, calendar files and emails, which
all answer and parse. A title stored before this rule (with a line break) must not break the
calendar files or the emails either."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import datetime

import icalendar
import pytest
from sqlalchemy import update
from starlette.applications import Starlette
from starlette.testclient import TestClient

from events_app.config import Settings
from events_app.db import Database
from events_app.mail.message import build_email
from events_app.models import Event, User
from events_app.plain_text import is_single_line
from events_app.registration.notify import Notifier
from tests.admin.event_helpers import post_event_form
from tests.admin.test_event_views import new_form
from tests.admin.web_helpers import sign_in
from tests.factories import make_article, make_event, make_user
from tests.registration.helpers import confirm, outbox, register
from tests.registration.web_helpers import csrf_from, https_client

BREAKERS = {
    "lf": "\n",
    "cr": "\r",
    "nul": "\x00",
    "nel": "\x85",
    "line-sep": "\u2028",
    "para-sep": "\u2029",
    "lre": "\u202a",
    "rlo": "\u202e",
    "lri": "\u2066",
    "pdi": "\u2069",
}
AWKWARD = '<script>alert(1)</script> "q" \'a\' ; , \\ : {{7*7}} =HYPERLINK("x") 🎉 Ünïcödé'


@pytest.fixture
def client(app: Starlette) -> Iterator[TestClient]:
    with https_client(app) as test_client:
        yield test_client


@pytest.fixture
def editor(client: TestClient, db: Database, now: datetime) -> User:
    user = make_user(db, now, role="admin", email="ed@example.org")
    sign_in(client, user)
    return user


@pytest.mark.parametrize("breaker", BREAKERS.values(), ids=BREAKERS.keys())
def test_the_shared_rule_refuses_every_breaker(breaker: str) -> None:
    assert not is_single_line(f"Open{breaker}day")
    assert is_single_line(AWKWARD)


@pytest.mark.parametrize("breaker", BREAKERS.values(), ids=BREAKERS.keys())
@pytest.mark.parametrize("field", ["title", "venue", "address", "organizer"])
def test_the_event_form_gives_a_field_error(
    client: TestClient, editor: User, field: str, breaker: str
) -> None:
    form = new_form(slug="open-labs", **{field: f"Open{breaker}labs"})
    response = post_event_form(client, "/admin/events/new", form, action="save")
    assert response.status_code == 400
    assert f'id="ev-{field}-error">Please use plain text' in response.text


@pytest.mark.parametrize("breaker", ["\u2028", "\x85", "\u202e"], ids=["line-sep", "nel", "rlo"])
def test_the_category_form_and_the_api_refuse_them_too(
    client: TestClient, editor: User, db: Database, now: datetime, breaker: str
) -> None:
    page = "/admin/categories"
    response = client.post(
        page,
        data={"csrf_token": csrf_from(client, page), "name": f"Sci{breaker}ence"},
        follow_redirects=False,
    )
    assert response.status_code == 400
    make_event(db, now, slug="talk")
    response = client.post(
        "/api/v1/events/talk/registrations",
        json={"name": f"Ada{breaker}Lovelace", "email": "ada@example.org", "consent": True},
    )
    assert response.status_code == 422
    assert "name" in response.text


def ics_summaries(body: bytes) -> list[str]:
    return [str(vevent["SUMMARY"]) for vevent in icalendar.Calendar.from_ical(body).events]


def strings(value: object) -> set[str]:
    """Every string inside a JSON document."""
    if isinstance(value, str):
        return {value}
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return set().union(*(strings(item) for item in items))


def every_output(client: TestClient, token: str) -> dict[str, bytes]:
    paths = [
        "/",
        "/events",
        "/events/talk",
        "/events/calendar/2026/12",
        "/articles/news",
        "/categories/awkward",
        "/events.ics",
        "/events/talk.ics",
        "/articles/news/events.ics",
        "/categories/awkward.ics",
        "/events.atom",
        "/articles.atom",
        "/sitemap.xml",
        "/api/v1/events",
        "/api/v1/events/talk",
        "/api/v1/articles/news",
        f"/r/{token}",
        f"/r/{token}/event.ics",
        f"/r/{token}/calendar.ics",
        f"/r/{token}/data.json",
    ]
    answers = {path: client.get(path) for path in paths}
    assert {p: r.status_code for p, r in answers.items()} == dict.fromkeys(paths, 200)
    return {path: response.content for path, response in answers.items()}


def test_awkward_text_goes_through_every_field_into_every_output(
    client: TestClient, db: Database, now: datetime, notifier: Notifier, settings: Settings
) -> None:
    article = make_article(db, now, slug="news", title=AWKWARD, author=AWKWARD, summary=AWKWARD)
    event = make_event(
        db,
        now,
        slug="talk",
        title=AWKWARD,
        summary=AWKWARD,
        description=AWKWARD,
        venue=AWKWARD,
        address=AWKWARD,
        organizer=AWKWARD,
        categories=["Awkward"],
        articles=[article.slug],
        capacity=5,
        online_url="https://meet.example.org/x",
    )
    assert event.id is not None
    _registration, token = register(db, now, notifier, event.id, "ada@example.org", AWKWARD)
    confirm(db, now, notifier, token)

    outputs = every_output(client, token)

    for path, body in outputs.items():
        if path.endswith(".ics"):
            assert AWKWARD in ics_summaries(body), path
        elif path.startswith("/api/") or path.endswith(".json"):
            assert AWKWARD in strings(json.loads(body)), path
        else:  # HTML and XML: escaped
            assert b"<script>alert(1)" not in body, path
    for message in outbox(db):
        email = build_email(message, mail_from=settings.mail_from)
        assert AWKWARD not in message.html_body
        assert "\n" not in str(email["Subject"])
        for attachment in json.loads(message.attachments):
            if attachment["content_type"].startswith("text/calendar"):
                assert AWKWARD in ics_summaries(base64.b64decode(attachment["content"]))


def test_a_title_stored_with_a_line_break_breaks_no_calendar_and_no_email(
    client: TestClient, db: Database, now: datetime, notifier: Notifier, settings: Settings
) -> None:
    """Data from before the rule: the calendars escape it, the subject folds it."""
    make_article(db, now, slug="news")
    event = make_event(db, now, slug="talk", categories=["Awkward"], articles=["news"])
    assert event.id is not None
    with db.write() as session:
        session.execute(update(Event).values(title="Line one\r\nBcc: x@example.org\u2028two"))
    _registration, token = register(db, now, notifier, event.id, "ada@example.org")
    confirm(db, now, notifier, token)

    outputs = every_output(client, token)

    assert icalendar.Calendar.from_ical(outputs["/events/talk.ics"]).events
    messages = outbox(db)
    assert [m.kind for m in messages] == ["confirm_request", "confirmed"]
    for message in messages:
        subject = str(build_email(message, mail_from=settings.mail_from)["Subject"])
        assert "Line one Bcc: x@example.org two" in subject
