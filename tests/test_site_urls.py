"""The one URL builder (events_app/site_urls.py): it writes what the router says, and every
public address the app hands out (sitemap, robots.txt, Atom and iCalendar feeds, JSON-LD,
emails, the emails an import queues) is a page the app serves."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from events_app.config import Settings
from events_app.db import Database
from events_app.registration.notify import app_notifier
from events_app.site_urls import SiteUrls
from events_app.transfer.commands import run_import
from events_app.transfer.export import export_json
from tests.factories import make_article, make_event
from tests.registration.helpers import confirm, outbox, register
from tests.support.routes import site_urls

SOURCE = Path(__file__).resolve().parents[1] / "events_app"


def _page(_request: object) -> PlainTextResponse:
    return PlainTextResponse("")


def _tiny_app(event_path: str) -> Starlette:
    return Starlette(routes=[Route(event_path, _page, name="event_detail")])


def test_the_builder_writes_what_the_router_says() -> None:
    before = SiteUrls("https://example.org/site", _tiny_app("/events/{slug}").url_path_for)
    after = SiteUrls("https://example.org/site", _tiny_app("/happenings/{slug}").url_path_for)
    assert before("event_detail", slug="a") == "https://example.org/site/events/a"
    assert after("event_detail", slug="a") == "https://example.org/site/happenings/a"
    assert after.path("event_detail", slug="x") == "/site/happenings/x"
    assert after.route_path("event_detail", slug="x") == "/happenings/x"
    assert after.absolute("/site/happenings/x") == "https://example.org/site/happenings/x"


def test_the_app_and_the_commands_build_the_same_addresses(app: Starlette) -> None:
    settings: Settings = app.state.context.settings
    in_app, outside = app.state.context.urls, site_urls(settings)
    for name, params in (
        ("event_detail", {"slug": "x"}),
        ("registration_manage", {"token": "t"}),
        ("article_feed", {"slug": "y"}),
        ("sitemap", {}),
    ):
        assert in_app(name, **params) == outside(name, **params)


def test_no_public_path_is_written_by_hand() -> None:
    """A guard: a public path in an f-string (`f"/events/{slug}"`, `f"{base}/r/{token}"`)
    bypasses the router; build it with SiteUrls instead."""
    by_hand = re.compile(
        r"""f["'](?:[^"']*\})?/(?:events|articles|categories|r|calendars)"""
        r"""(?:/|\{|\.ics|\.atom|["'])"""
    )
    found = [
        f"{path.relative_to(SOURCE)}:{number}: {line.strip()}"
        for path in sorted(SOURCE.rglob("*.py"))
        # The OpenAPI document's example payloads describe a made-up site, not this one.
        if path.relative_to(SOURCE).as_posix() != "api/examples.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if by_hand.search(line)
    ]
    assert found == []


def test_no_route_probes_remain() -> None:
    probes = re.compile(r"path_exists|route_name_at|_route_exists|_registrations_link|NoMatchFound")
    found = [
        str(path.relative_to(SOURCE))
        for path in sorted(SOURCE.rglob("*.py"))
        if probes.search(path.read_text())
    ]
    assert found == []


def _urls_in(text: str, base_url: str) -> set[str]:
    pattern = re.escape(base_url) + r"""[^\s"'<>\]\\]*"""
    return {match.rstrip(".,;)") for match in re.findall(pattern, text)}


def _emitted(client: TestClient, db: Database, now: datetime, tmp_path: Path) -> set[str]:
    """Every absolute address under the base URL in what the app writes for a site with an
    event in a category, an article about it and an attendee with their emails."""
    context = client.app.state.context  # type: ignore[attr-defined]
    base_url = context.settings.base_url
    article = make_article(db, now, slug="field-notes", categories=["Science"])
    event = make_event(
        db, now, slug="talk", capacity=5, categories=["Science"], articles=[article.slug]
    )
    notifier = app_notifier(context)
    _registration, token = register(db, now, notifier, event.id, "ada@example.org")
    confirm(db, now, notifier, token)

    # An import that moves the event tells its attendee, with the same links.
    with db.read() as session:
        document = json.loads(export_json(session=session))
    moved = document["events"][0]
    moved["starts_at"] = (
        datetime.fromisoformat(moved["starts_at"]) + timedelta(hours=1)
    ).isoformat()
    moved["ends_at"] = (datetime.fromisoformat(moved["ends_at"]) + timedelta(hours=1)).isoformat()
    path = tmp_path / "moved.json"
    path.write_text(json.dumps(document))
    assert run_import(context.settings, site_urls(context.settings), path, progress=False) == 0

    emails = outbox(db)
    assert {"confirm_request", "confirmed", "event_changed"} <= {message.kind for message in emails}
    pages = [
        "/robots.txt",
        "/sitemap.xml",
        "/events.atom",
        "/articles.atom",
        "/events.ics",
        "/categories/science.ics",
        "/articles/field-notes/events.ics",
        f"/r/{token}/calendar.ics",
        "/events/talk",  # JSON-LD, share links, add-to-calendar links
        "/articles/field-notes",  # JSON-LD
        "/calendars",
    ]
    texts = [message.text_body + message.html_body for message in emails]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        # iCalendar folds long lines; unfold before looking for addresses.
        texts.append(response.text.replace("\r\n ", ""))
    return set().union(*(_urls_in(text, base_url) for text in texts))


def test_every_public_address_the_app_writes_is_served(
    client: TestClient, db: Database, now: datetime, tmp_path: Path
) -> None:
    base_url = client.app.state.context.settings.base_url  # type: ignore[attr-defined]
    urls = _emitted(client, db, now, tmp_path)
    expected = {
        "/events/talk",
        "/articles/field-notes",
        "/categories/science",
        "/events.ics",
        "/categories/science.ics",
        "/sitemap.xml",
    }
    assert expected <= {url.removeprefix(base_url) for url in urls}
    assert any("/r/" in url and url.endswith("/confirm") for url in urls)
    for url in sorted(urls):
        path = url.removeprefix(base_url).split("#")[0] or "/"
        response = client.get(path, follow_redirects=False)
        assert response.status_code not in (404, 405), url


def test_a_chinese_slug_is_written_as_a_uri_and_served(
    client: TestClient, db: Database, now: datetime
) -> None:
    """Slugs keep Chinese titles (slugs.py); the addresses the app writes are URIs, as the
    sitemap, calendar files and headers need, and the page answers at them."""
    make_event(db, now, slug="量子讲座", title="量子讲座")
    encoded = "/events/%E9%87%8F%E5%AD%90%E8%AE%B2%E5%BA%A7"
    assert f"<loc>https://events.example.org{encoded}</loc>" in client.get("/sitemap.xml").text
    assert f'href="{encoded}"' in client.get("/events").text
    ics = client.get(f"{encoded}.ics").text
    assert f"URL:https://events.example.org{encoded}" in ics.replace("\r\n ", "")
    assert client.get(encoded).status_code == 200
    assert "量子" not in client.get("/sitemap.xml").text.split("<loc>", 1)[1]
