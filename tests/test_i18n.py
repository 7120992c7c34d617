"""Every user-facing string goes through gettext, so a second language is only a catalogue.

The pages of an empty site are rendered with a pseudo-translation that wraps every message in
⟦ ⟧; any visible text left unwrapped was written into a template without gettext.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.support import NullTranslations
from starlette.testclient import TestClient

from events_app.app import create_app
from events_app.clock import FrozenClock
from events_app.db import Database
from events_app.events import templating as event_templating
from events_app.registration.notify import Notifier
from events_app.resources import PACKAGE_DIR
from events_app.web import templating
from tests.admin.web_helpers import post_form, sign_in
from tests.factories import make_article, make_event, make_user
from tests.registration.helpers import confirm, register
from tests.registration.web_helpers import csrf_from, https_client
from tests.sharing.helpers import share_form
from tests.support.routes import site_urls
from tests.support.settings import make_settings

ROOT = Path(__file__).resolve().parent.parent


class PseudoTranslations(NullTranslations):
    def gettext(self, message: str) -> str:
        return f"⟦{message}⟧"

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return f"⟦{singular if n == 1 else plural}⟧"

    # Babel aliases these to the originals at class level; Jinja2 prefers them.
    ugettext = gettext
    ungettext = ngettext


def use_pseudo_translations(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every module that loads a catalogue for the page environment gets the pseudo one: the
    toolkit's own and the features' registered filters (format and status labels)."""
    for module in (templating, event_templating):
        monkeypatch.setattr(module, "load_translations", lambda _lang: PseudoTranslations())


VOID_ELEMENTS = {
    "area",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "wbr",
}


# Not prose: scripts, styles, and <code> (addresses to copy, such as a feed's URL).
_LITERAL = ("script", "style", "code")


class VisibleText(HTMLParser):
    """Visible text, less what HTML marks as not for translation (`translate="no"`: the
    back office's emails, names and logged values are data, not interface) and dates in
    `<time>`, which Babel writes in the site's language."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._skip = 0
        self._data_depth = 0  # elements open inside a translate="no" one

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID_ELEMENTS:
            return
        if self._data_depth or ("translate", "no") in attrs or tag == "time":
            self._data_depth += 1
            return
        if tag in _LITERAL:
            self._skip += 1
        for name, value in attrs:
            if name in ("aria-label", "title", "alt", "placeholder") and value:
                self.texts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_ELEMENTS:
            return
        if self._data_depth:
            self._data_depth -= 1
            return
        if tag in _LITERAL:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and not self._data_depth and data.strip():
            self.texts.append(data.strip())


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/events",
        "/events/past",
        "/articles",
        "/missing",
        "/privacy",
        "/calendars",
        "/api/docs",
    ],
)
def test_no_visible_text_escapes_gettext(
    path: str,
    database_url: str,
    db: Database,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_pseudo_translations(monkeypatch)
    settings = make_settings(database_url, site_name="⟦Site⟧")
    with TestClient(create_app(settings, clock=clock, database=db)) as client:
        page = client.get(path).text
    parser = VisibleText()
    parser.feed(page)
    untranslated = [
        text
        for text in parser.texts
        if not all(part.strip() in "·|←→" for part in _outside_markers(text))
    ]
    assert untranslated == [], f"text on {path} not passed through gettext"


ADMIN_PAGES = [
    "/admin",
    "/admin/users",
    "/admin/users/new",
    "/admin/users/{editor}",
    "/admin/audit",
    "/admin/audit?from=nope",
    "/admin/account/password",
    "/admin/account/password?changed=1",
    "/admin/events/talk/registrations",
    "/admin/events/talk/registrations?status=bogus&done=capacity&promoted=1",
    "/admin/events/talk/registrations/1?done=resent",
    "/admin/events/talk/registrations/2",
    "/admin/events/talk/message?sent=2",
    "/admin/events",
    "/admin/events?standing=nonsense",
    "/admin/events/new",
    "/admin/events/talk?created=1",
    "/admin/events/talk?saved=1&notified=2",
    "/admin/events/talk/duplicate",
    "/admin/events/talk/delete",
    "/admin/events/called-off",
    "/admin/events/called-off/delete",
    "/admin/articles",
    "/admin/articles/new",
    "/admin/articles/news?saved=1",
    "/admin/articles/news/delete",
    "/admin/categories?done=renamed",
]


@pytest.mark.parametrize("path", ["/admin/login", "/admin/login?signed_out=1", *ADMIN_PAGES])
def test_no_visible_text_escapes_gettext_in_the_back_office(
    path: str,
    database_url: str,
    db: Database,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_pseudo_translations(monkeypatch)
    settings = make_settings(database_url, site_name="⟦Site⟧")
    admin = make_user(db, clock.now(), email="ada@example.org", name="Ada Lovelace")
    editor = make_user(db, clock.now(), role="editor", active=False)
    make_content(db, clock.now())
    with https_client(create_app(settings, clock=clock, database=db)) as client:
        if path in ADMIN_PAGES:
            sign_in(client, admin)
        response = client.get(path.format(editor=editor.id))
    assert response.status_code == (400 if "nonsense" in path else 200)
    assert_all_translated(response.text, path)


def make_content(db: Database, now: datetime) -> None:
    """What the back office's content pages show: an event with an attendee and a cancelled
    one, an article tied to it, and categories."""
    article = make_article(db, now, slug="news", categories=["Science"])
    event = make_event(
        db, now, slug="talk", capacity=1, categories=["Science"], articles=[article.slug]
    )
    make_event(db, now, slug="called-off", status="cancelled", status_reason="Rain.")
    notifier_settings = make_settings("sqlite://")
    notifier = Notifier(notifier_settings, site_urls(notifier_settings))
    # Registration 1 has the seat, registration 2 waits for it.
    for email in ("a@example.org", "b@example.org"):
        _, token = register(db, now, notifier, event.id, email)  # type: ignore[arg-type]
        confirm(db, now, notifier, token)


# The back office's answers to forms: messages beside fields, the preview, the questions.
BAD_EVENT = {
    "title": "",
    "timezone": "Europe/Berlin",
    "starts_at": "2026-10-25T02:30",
    "ends_at": "2027-03-28T02:30",
    "capacity": "x",
    "slug": "A B",
    "online_url": "x",
    "format": "x",
    "categories": "x",
}
MOVED_EVENT = {
    "title": "T",
    "timezone": "UTC",
    "starts_at": "2026-12-09T10:00",
    "ends_at": "2026-12-09T11:00",
    "format": "online",
}
EDITOR_POSTS = [
    ("/admin/events/new", BAD_EVENT),
    (
        "/admin/events/new",
        {"title": "T", "timezone": "Nowhere", "all_day": "1", "action": "preview"},
    ),
    ("/admin/events/talk", MOVED_EVENT),
    ("/admin/events/talk/publication", {"action": "postpone", "reason": "Soon."}),
    ("/admin/events/talk/publication", {"action": "schedule", "publish_at": "2020-01-01T10:00"}),
    ("/admin/articles/new", {"title": "", "published_at": "x", "events": "gone"}),
    ("/admin/articles/new", {"title": "T", "body": "**b**", "action": "preview"}),
    ("/admin/categories", {"name": "Science"}),
    ("/admin/categories/science/delete", {}),
]


@pytest.mark.parametrize(("path", "fields"), EDITOR_POSTS)
def test_no_visible_text_escapes_gettext_in_the_editors_answers(
    path: str,
    fields: dict[str, str],
    database_url: str,
    db: Database,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_pseudo_translations(monkeypatch)
    settings = make_settings(database_url, site_name="⟦Site⟧")
    admin = make_user(db, clock.now(), email="ada@example.org", name="Ada Lovelace")
    make_content(db, clock.now())
    with https_client(create_app(settings, clock=clock, database=db)) as client:
        sign_in(client, admin)
        form_page = path.removesuffix("/publication").removesuffix("/science/delete")
        token = csrf_from(client, form_page)
        response = client.post(path, data={"csrf_token": token, **fields})
    assert response.status_code in (200, 400, 409), response.status_code
    assert "<form" in response.text
    assert_all_translated(response.text, path)


def make_roster(db: Database, clock: FrozenClock) -> None:
    make_content(db, clock.now())


@pytest.mark.parametrize(
    "fields",
    [
        {"audience": "confirmed", "subject": "Room change", "body": "Room 2."},
        {"audience": "nobody", "subject": "A\nB", "body": "\x07"},
    ],
)
def test_no_visible_text_escapes_gettext_in_the_message_preview(
    fields: dict[str, str],
    database_url: str,
    db: Database,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_pseudo_translations(monkeypatch)
    settings = make_settings(database_url, site_name="⟦Site⟧")
    make_roster(db, clock)
    with https_client(create_app(settings, clock=clock, database=db)) as client:
        sign_in(client, make_user(db, clock.now()))
        page = "/admin/events/talk/message"
        data = {"csrf_token": csrf_from(client, page), **fields}
        response = client.post(f"{page}/preview", data=data)
    assert response.status_code in (200, 400)
    assert_all_translated(response.text, "message preview")


def test_no_visible_text_escapes_gettext_on_the_dashboard_and_at_the_door(
    database_url: str,
    db: Database,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With data, and every answer the check-in page gives; and the attendee's page with the
    check-in code."""
    use_pseudo_translations(monkeypatch)
    settings = make_settings(database_url, site_name="⟦Site⟧")
    now = clock.now()
    notifier = Notifier(settings, site_urls(settings))
    editor = make_user(db, now, role="editor")
    event = make_event(db, now - timedelta(days=5), slug="talk", capacity=1)
    make_event(db, now, slug="open", capacity=None, status="cancelled")
    other = make_event(db, now, slug="other")
    _, token = register(db, now, notifier, event.id, "ada@example.org")  # type: ignore[arg-type]
    ada = confirm(db, now, notifier, token)
    _, waiting = register(db, now, notifier, event.id, "bob@example.org", name="Bob")  # type: ignore[arg-type]
    bob = confirm(db, now, notifier, waiting)
    pending, _ = register(db, now, notifier, event.id, "cy@example.org", name="Cy")  # type: ignore[arg-type]
    _, elsewhere = register(db, now, notifier, other.id, "di@example.org", name="Di")  # type: ignore[arg-type]
    di = confirm(db, now, notifier, elsewhere)
    door = "/admin/events/talk/checkin"
    with https_client(create_app(settings, clock=clock, database=db)) as client:
        # Only the check-in code's part of the attendee's page: the rest is not checked yet.
        manage = client.get(f"/r/{token}").text
        start = manage.index('<section class="checkin-pass"')
        assert_all_translated(manage[start : manage.index("</section>", start)], "/r/{token}")
        sign_in(client, editor)
        for path in ("/admin", door, f"{door}?q=nobody"):
            assert_all_translated(client.get(path).text, path)
        answers = [
            *(post_form(client, door, door, code=code, q="a") for code in (
                ada.checkin_code, ada.checkin_code, "ABCD-EFGH", di.checkin_code,
                bob.checkin_code, pending.checkin_code, "not a code",
            )),
            post_form(client, door, f"{door}/{ada.id}/undo"),
            post_form(client, door, f"{door}/{ada.id}/undo"),
        ]  # fmt: skip
        assert [answer.status_code for answer in answers] == [
            200, 409, 422, 422, 409, 409, 400, 200, 409
        ]  # fmt: skip
        for number, answer in enumerate(answers):
            assert_all_translated(answer.text, f"{door} (answer {number})")


def assert_all_translated(page: str, path: str) -> None:
    """Like the check above, but reading the texts in order: a translated sentence with a
    link inside (⟦I have read the <a>privacy notice</a> ...⟧) is one message, whose marker
    opens in one text and closes in another."""
    parser = VisibleText()
    parser.feed(page)
    untranslated, depth = [], 0
    for text in parser.texts:
        outside, depth = _outside_markers_from(text, depth)
        if not all(part.strip() in "·|←→" for part in outside):
            untranslated.append(text)
    assert untranslated == [], f"text on {path} not passed through gettext"


def _outside_markers_from(text: str, depth: int) -> tuple[list[str], int]:
    parts, current = [], ""
    for char in text:
        if char == "⟦":
            depth += 1
            parts.append(current)
            current = ""
        elif char == "⟧":
            depth -= 1
        elif depth == 0:
            current += char
    parts.append(current)
    return [p for p in parts if p.strip()], depth


def _outside_markers(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in text:
        if char == "⟦":
            depth += 1
            parts.append(current)
            current = ""
        elif char == "⟧":
            depth -= 1
        elif depth == 0:
            current += char
    parts.append(current)
    return [p for p in parts if p.strip()]


def test_catalogue_extraction_finds_the_placeholder_sentence() -> None:
    """Extracted as `make messages` does it: babel.cfg's patterns over the package, so the
    templates (inside the package) and the emails' texts are found."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    messages = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(
            str(PACKAGE_DIR), method_map=method_map, options_map=options_map
        )
    }
    assert "We are creating some awesome events for you. Kindly bear with us." in messages
    assert "Upcoming events" in messages
    assert "Page not found" in messages
    assert "Please confirm your registration: %(event)s" in messages  # templates/email/*.txt


# Pages about one event or article. Their content is data, written here already "translated"
# (inside the markers), so that only the interface's own text is checked.
SHARED_PAGES = [
    "/events/talk",
    "/events/talk/share",
    "/events/talk/share?sent=1",
    "/articles/news",
    "/articles/news/share",
]


def _content_app(database_url: str, db: Database, clock: FrozenClock, **overrides: object) -> Any:
    now = clock.now()
    make_event(
        db, now, slug="talk", title="⟦Talk⟧", summary="⟦Summary⟧", description="⟦Description⟧",
        venue="⟦Hall⟧", address="⟦Road⟧", organizer="⟦Desk⟧", format="hybrid",
    )  # fmt: skip
    make_article(db, now, slug="news", title="⟦News⟧", summary="⟦Summary⟧", body="⟦Body⟧",
                 author="⟦Writer⟧")  # fmt: skip
    settings = make_settings(database_url, site_name="⟦Site⟧", **overrides)
    return create_app(settings, clock=clock, database=db)


@pytest.mark.parametrize("path", SHARED_PAGES)
def test_no_visible_text_escapes_gettext_on_event_article_and_share_pages(
    path: str,
    database_url: str,
    db: Database,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_pseudo_translations(monkeypatch)
    with https_client(_content_app(database_url, db, clock)) as client:
        response = client.get(path)
    assert response.status_code == 200
    assert_all_translated(response.text, path)


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"email": "nope", "name": "", "note": "www.spam.example"}, 400),
        ({"name": "⟦Ada⟧\nBcc: x@example.org", "note": "x" * 501}, 400),
        ({}, 429),
    ],
    ids=["invalid", "line-break-and-too-long", "rate-limited"],
)
def test_the_share_forms_errors_are_translated(
    fields: dict[str, str],
    status: int,
    database_url: str,
    db: Database,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_pseudo_translations(monkeypatch)
    app = _content_app(
        database_url, db, clock, rate_limit_enabled=True, rate_limit_share_daily="0/day"
    )
    with https_client(app) as client:
        data = {"email": "friend@example.org", "name": "⟦Ada⟧", "note": "", **fields}
        response = share_form(client, "/events/talk/share", **data)
    assert response.status_code == status
    # What the visitor typed comes back in the fields' values, not as visible text.
    assert_all_translated(response.text, "/events/talk/share (POST)")


def test_no_visible_text_escapes_gettext_on_preview_pages(
    database_url: str, db: Database, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A preview link's page with its banner, its refusals, and the back office's link page."""
    use_pseudo_translations(monkeypatch)
    app = _content_app(database_url, db, clock)
    now = clock.now()
    make_event(
        db, now, slug="draft", title="⟦Draft⟧", summary="⟦Summary⟧", description="⟦Description⟧",
        venue="⟦Hall⟧", status="draft",
    )  # fmt: skip
    editor = make_user(db, now, role="editor", email="ed@example.org")
    with https_client(app) as client:
        sign_in(client, editor)
        offer = client.get("/admin/events/draft").text
        assert "Make a preview link" in offer
        assert_all_translated(offer, "a draft's page, offering a preview link")
        made = post_form(client, "/admin/events/draft", "/admin/events/draft/preview-link")
        assert made.status_code == 200
        assert_all_translated(made.text, "the preview link page")
        found = re.search(
            r'value="https://events\.example\.org(/events/draft/preview/[^"]+)"', made.text
        )
        assert found is not None
        client.cookies.clear()
        answers = {
            "preview": client.get(found.group(1)),
            "refused": client.get("/events/draft/preview/nope"),
        }
        clock.advance(timedelta(days=8))
        answers["expired"] = client.get(found.group(1))
    assert [answer.status_code for answer in answers.values()] == [200, 404, 410]
    for name, answer in answers.items():
        assert_all_translated(answer.text, name)
