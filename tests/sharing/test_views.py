""" "Send this to a friend" over HTTP: the form's own page, sending, errors with the input kept,
header injection refused, the honeypot, and the share box under events and articles."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from starlette.testclient import TestClient

from events_app.db import Database
from tests.factories import make_article, make_event
from tests.registration.helpers import outbox
from tests.registration.web_helpers import SAME_ORIGIN
from tests.sharing.helpers import share_form
from tests.support.error_summary import assert_error_summary
from tests.support.http import https_client_fixture  # noqa: F401 (`client`, over HTTPS)

PAGES = ["/events/talk/share", "/articles/news/share"]


@pytest.fixture
def content(db: Database, now: datetime) -> None:
    make_event(db, now, slug="talk", title="Quantum talk", summary="Entangled photons.")
    make_article(db, now, slug="news", title="Shared labs", summary="Labs open up.")


def field_value(html: str, name: str) -> str:
    match = re.search(rf'<input id="share-{name}" name="{name}"[^>]*value="([^"]*)"', html)
    assert match, name
    return match.group(1)


@pytest.mark.usefixtures("content")
@pytest.mark.parametrize("page", PAGES)
def test_the_form_page_is_private_and_the_same_for_every_visitor(
    client: TestClient, page: str
) -> None:
    response = client.get(page)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "private, no-cache"
    assert "etag" not in response.headers
    assert "set-cookie" not in response.headers  # no per-visitor token
    html = response.text
    assert "csrf_token" not in html
    assert client.get(page).text == html
    assert f'action="{page}"' in html
    for name in ("email", "name", "note", "website"):
        assert f'name="{name}"' in html
    assert '<meta name="robots" content="noindex">' in html
    assert "Quantum talk" in html or "Shared labs" in html


@pytest.mark.usefixtures("content")
@pytest.mark.parametrize("page", PAGES)
def test_sending_writes_one_email_and_says_so(client: TestClient, db: Database, page: str) -> None:
    response = share_form(client, page, email="Friend@Example.org", name="Ada", note="Hi!")
    assert response.status_code == 303
    assert response.headers["location"] == f"{page}?sent=1"
    [message] = outbox(db)
    assert (message.kind, message.to_address) == ("shared", "Friend@example.org")
    assert message.subject.startswith("Ada thought you would like: ")
    done = client.get(response.headers["location"])
    assert "Sent." in done.text
    assert field_value(done.text, "email") == ""  # ready for the next friend


@pytest.mark.usefixtures("content")
def test_errors_come_back_beside_each_field_with_the_input_kept(
    client: TestClient, db: Database
) -> None:
    response = share_form(
        client, "/events/talk/share", email="not an address", name="", note="x" * 501
    )
    assert response.status_code == 400
    html = response.text
    assert "Not sent yet: please correct the fields marked below." in html
    assert field_value(html, "email") == "not an address"
    assert field_value(html, "note") == "x" * 501
    assert 'id="share-email-error"' in html
    assert 'id="share-name-error"' in html
    assert 'id="share-note-error"' in html
    assert "This is too long" in html
    assert_error_summary(html, ["share-email", "share-name", "share-note"])
    assert outbox(db) == []


@pytest.mark.usefixtures("content")
@pytest.mark.parametrize("field", ["email", "name", "note"])
@pytest.mark.parametrize(
    "injection",
    ["\r\nBcc: victim@example.org", "\nBcc: victim@example.org", "\rX-Injected: yes", "\x00"],
    ids=["crlf", "lf", "cr", "nul"],
)
def test_header_injection_is_refused_in_every_field(
    client: TestClient, db: Database, field: str, injection: str
) -> None:
    values = {"email": "friend@example.org", "name": "Ada", "note": "Hi"}
    values[field] += injection
    response = share_form(client, "/articles/news/share", **values)
    assert response.status_code == 400
    assert "Please use a single line of plain text." in response.text
    assert f'id="share-{field}-error"' in response.text
    assert outbox(db) == []


@pytest.mark.usefixtures("content")
def test_links_in_the_note_are_refused(client: TestClient, db: Database) -> None:
    response = share_form(client, "/events/talk/share", note="cheap pills at www.spam.example")
    assert response.status_code == 400
    assert "Please leave out web addresses" in response.text
    assert outbox(db) == []


@pytest.mark.usefixtures("content")
def test_the_honeypot_is_told_sent_and_nothing_is(client: TestClient, db: Database) -> None:
    response = share_form(client, "/events/talk/share", website="http://spam.example")
    assert response.status_code == 303
    assert response.headers["location"] == "/events/talk/share?sent=1"
    assert outbox(db) == []


@pytest.mark.usefixtures("content")
def test_a_form_sent_from_another_site_sends_nothing(client: TestClient, db: Database) -> None:
    page = "/events/talk/share"
    data = {"email": "friend@example.org", "name": "Ada"}
    for headers in ({"sec-fetch-site": "cross-site"}, {"origin": "https://evil.example"}):
        response = client.post(page, data=data, headers=headers)
        assert response.status_code == 403
        assert "Form refused" in response.text
    assert outbox(db) == []


def test_drafts_and_unknown_pages_are_404(client: TestClient, db: Database, now: datetime) -> None:
    make_event(db, now, slug="draft", status="draft")
    make_article(db, now, slug="soon", published_at=now + timedelta(days=1))
    make_event(db, now, slug="live")
    for page in ("/events/draft/share", "/events/missing/share", "/articles/soon/share"):
        assert client.get(page).status_code == 404
    for page in ("/events/draft/share", "/articles/soon/share"):
        data = {"email": "friend@example.org", "name": "Ada"}
        assert client.post(page, data=data, headers=SAME_ORIGIN).status_code == 404
    assert outbox(db) == []


@pytest.mark.usefixtures("content")
@pytest.mark.parametrize(
    ("page", "form"), [("/events/talk", "/events/talk/share"), ("/articles/news", PAGES[1])]
)
def test_every_event_and_article_offers_the_share_box(
    client: TestClient, page: str, form: str
) -> None:
    html = client.get(page).text
    assert f'<a class="secondary-link" href="{form}">Send this to a friend</a>' in html
    url = f"https://events.example.org{page}"
    assert f'<input id="share-url" type="url" readonly value="{url}">' in html
    assert 'data-copy="share-url"' in html
    assert " hidden>Copy link</button>" in html
    # One row of icons, each named for screen readers (and as a tooltip).
    assert '<span class="visually-hidden">Share by email</span></a>' in html
    assert re.search(r'<script src="/static/js/share\.js\?v=\w+" defer></script>', html)
    assert 'href="mailto:?subject=' in html
    for network in ("Bluesky", "Facebook", "LinkedIn", "WhatsApp", "X"):
        assert f'title="Share on {network}"><svg class="share-icon"' in html
        assert f'<span class="visually-hidden">Share on {network}</span></a>' in html
    # Links only: no network's script or frame.
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert all(src.startswith("/static/") for src in scripts)
    assert "<iframe" not in html


def test_the_share_box_keeps_a_closed_events_page_public_and_cached(
    client: TestClient, db: Database, now: datetime
) -> None:
    make_event(db, now, slug="done", status="cancelled")
    first = client.get("/events/done")
    assert "Send this to a friend" in first.text
    assert first.headers["cache-control"] == "public, no-cache"
    assert "set-cookie" not in first.headers
    again = client.get("/events/done", headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304


def test_the_copy_script_only_enhances() -> None:
    from events_app.resources import STATIC_DIR

    script = (STATIC_DIR / "js" / "share.js").read_text()
    assert "navigator.clipboard" in script
    assert "button.hidden = false" in script  # shown only where it can work
    assert "eval(" not in script
    assert "innerHTML" not in script
