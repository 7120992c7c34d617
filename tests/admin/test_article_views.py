"""Articles in the back office over HTTP: the list, a new article tied to events (the other
side of the event form's related articles), the preview, errors kept, duplicating, deleting."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from events_app.articles.editing import find_article
from events_app.db import Database
from events_app.markdown import render_markdown
from events_app.models import Article, User
from tests.admin.event_helpers import load_event
from tests.admin.web_helpers import sign_in
from tests.factories import make_article, make_event, make_user
from tests.registration.web_helpers import csrf_from
from tests.support.audit import audit_entries
from tests.support.error_summary import assert_error_summary

NEW = "/admin/articles/new"


@pytest.fixture
def editor(client: TestClient, db: Database, now: datetime) -> User:
    user = make_user(db, now, role="editor", email="ed@example.org")
    sign_in(client, user)
    return user


def post(client: TestClient, path: str, **fields: Any) -> Any:
    data = {"csrf_token": csrf_from(client, path), "action": "save", **fields}
    return client.post(path, data=data, follow_redirects=False)


def load(db: Database, slug: str) -> tuple[Article | None, list[str]]:
    with db.read() as session:
        article = find_article(session=session, slug=slug)
        return article, sorted(e.slug for e in article.events) if article else []


def test_a_new_article_is_published_and_tied_to_its_events(
    client: TestClient, db: Database, now: datetime, editor: User
) -> None:
    make_event(db, now, slug="talk", title="The talk")
    page = client.get(NEW).text
    assert 'value="talk"' in page  # the events to choose from
    response = post(
        client,
        NEW,
        title="Why open labs",
        body="Some **words**.",
        author="A. Writer",
        events=["talk"],
    )
    assert response.headers["location"] == "/admin/articles/why-open-labs?created=1"
    article, events = load(db, "why-open-labs")
    assert article is not None
    assert article.published_at == now  # empty means now
    assert events == ["talk"]
    assert "Why open labs" in client.get("/events/talk").text  # the event page links it
    assert "Some <strong>words</strong>." in client.get("/articles/why-open-labs").text
    entry = audit_entries(db)[-1]
    assert (entry.action, entry.target_type) == ("article.create", "article")


def test_a_later_publication_moment_schedules_it(
    client: TestClient, db: Database, now: datetime, clock: Any, editor: User
) -> None:
    post(client, NEW, title="Soon", published_at="2026-12-02T08:00")
    assert client.get("/articles/soon").status_code == 404
    assert "Scheduled for" in client.get("/admin/articles").text
    clock.set(now + timedelta(days=1))
    assert client.get("/articles/soon").status_code == 200


def test_editing_changes_its_events_from_the_article_side(
    client: TestClient, db: Database, now: datetime, editor: User
) -> None:
    make_event(db, now, slug="one")
    make_event(db, now, slug="two")
    make_article(db, now, slug="news", title="News")
    with db.write() as session:
        article = find_article(session=session, slug="news")
        event = load_event(db, "one")
        assert article is not None
        assert event is not None
        article.events = [session.merge(event)]
    page = client.get("/admin/articles/news").text
    assert re.search(r'value="one" checked', page)
    response = post(client, "/admin/articles/news", title="News", slug="news", events=["two"])
    assert response.headers["location"] == "/admin/articles/news?saved=1"
    assert load(db, "news")[1] == ["two"]
    entry = audit_entries(db)[-1]
    assert (entry.action, entry.before["events"], entry.after["events"]) == (  # type: ignore[index]
        "article.update",
        ["one"],
        ["two"],
    )


def test_bad_input_comes_back_kept_and_nothing_is_written(
    client: TestClient, db: Database, now: datetime, editor: User
) -> None:
    make_article(db, now, slug="taken")
    response = post(client, NEW, title="", slug="taken", body="Kept body", published_at="soon")
    assert response.status_code == 400
    assert "Kept body</textarea>" in response.text
    assert re.search(r'id="ar-title-error">This field is required', response.text)
    assert re.search(r'id="ar-published-error">Enter a date and a time', response.text)
    assert_error_summary(response.text, ["ar-title", "ar-published"])
    response = post(client, NEW, title="Fine", slug="taken")
    assert response.status_code == 400
    assert re.search(r'id="ar-slug-error">This is already used', response.text)
    response = post(client, NEW, title="Fine", events=["no-such-event"])
    assert re.search(r'id="ar-events-error">Choose one of the listed options', response.text)
    assert load(db, "fine")[0] is None


def test_the_preview_is_the_public_rendering_and_saves_nothing(
    client: TestClient, db: Database, editor: User
) -> None:
    body = "# Title becomes h2\n\n> quoted <script>alert(1)</script>"
    response = post(client, NEW, title="Draft", body=body, action="preview")
    assert response.status_code == 200
    assert str(render_markdown(body)) in response.text
    assert "<script>alert" not in response.text
    assert load(db, "draft")[0] is None


def test_duplicate_and_delete(
    client: TestClient, db: Database, now: datetime, editor: User
) -> None:
    make_article(db, now, slug="news", title="News")
    page = client.get("/admin/articles/news/duplicate").text
    assert 'value="news-copy"' in page
    assert "This cannot be undone." in client.get("/admin/articles/news/delete").text
    response = post(client, "/admin/articles/news/delete")
    assert response.headers["location"] == "/admin/articles?deleted=1"
    assert load(db, "news")[0] is None
    assert client.get("/articles/news").status_code == 404
    assert audit_entries(db)[-1].action == "article.delete"
    assert client.get("/admin/articles/news").status_code == 404


def test_the_list_searches_titles(
    client: TestClient, db: Database, now: datetime, editor: User
) -> None:
    make_article(db, now, slug="a", title="Open labs")
    make_article(db, now, slug="b", title="Closed doors")
    page = client.get("/admin/articles?q=open").text
    assert "Open labs" in page
    assert "Closed doors" not in page


def test_a_body_with_too_many_square_brackets_is_refused_when_saved_or_previewed(
    client: TestClient, db: Database, editor: User
) -> None:
    # The 24,900 do not fit in a form's 64 KiB (413); 5,000 do, and took 0.6 s.
    body = "*[" * 5_000
    for action in ("save", "preview"):
        response = post(client, NEW, title="Links", body=body, action=action)
        assert response.status_code == 400
        assert re.search(
            r'id="ar-body-error">Please use at most 1,000 square brackets', response.text
        )
        assert f"{body}</textarea>" in response.text  # kept
        assert "ar-body-preview-heading" not in response.text
    assert load(db, "links")[0] is None
    response = post(client, NEW, title="Links", body="[a](https://example.org) " * 1000)
    assert response.status_code == 303
    article, _events = load(db, "links")
    assert article is not None
    assert article.body_html.count('href="https://example.org"') == 1000


def test_the_longest_valid_article_in_chinese_is_saved_not_refused(
    client: TestClient, db: Database, editor: User
) -> None:
    """200,000 characters (the body's limit) of Chinese: about 1.8 MB as a form, far over the
    public forms' body limit (512 KiB), which would refuse it with 413 and lose the text."""
    body = ("开放科学合作" * 40_000)[:200_000]
    response = post(client, NEW, title="长文", slug="long-read", body=body)
    assert response.status_code == 303
    article, _ = load(db, "long-read")
    assert article is not None
    assert article.body == body
