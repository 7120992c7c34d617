"""Saving an article stores its body rendered (sanitised HTML and one line of text), the
back office's way and the import's way alike: both go through save_article."""

from __future__ import annotations

from datetime import datetime

from events_app.articles.editing import find_article, save_article
from events_app.articles.writes import save_from_form
from events_app.db import Database
from events_app.models import User
from tests.factories import article_data, make_user


def test_saving_renders_the_body_once(db: Database, now: datetime) -> None:
    with db.write() as session:
        article = save_article(
            session=session, now=now, data=article_data(now, slug="a", body="# Hi\n\n<b>x</b>")
        )
        assert article.body_html == "<h2>Hi</h2>\n<p>&lt;b&gt;x&lt;/b&gt;</p>\n"
        assert article.body_text == "Hi <b>x</b>"
    with db.write() as session:
        stored = find_article(session=session, slug="a")
        save_article(
            session=session, now=now, data=article_data(now, slug="a", body="New."), article=stored
        )
    with db.read() as session:
        stored = find_article(session=session, slug="a")
        assert stored is not None
        assert (stored.body_html, stored.body_text) == ("<p>New.</p>\n", "New.")


def test_the_back_office_stores_the_rendered_body(db: Database, now: datetime) -> None:
    editor: User = make_user(db, now, role="editor", email="ed@example.org")
    with db.write() as session:
        saved = save_from_form(
            session=session,
            now=now,
            actor=editor,
            data=article_data(now, slug="b", body="- one\n- two"),
            events=[],
        )
        assert saved is not None
        assert saved.body_html == "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"
        assert saved.body_text == "one two"
