"""One slug rule for every kind of page: letters of any script kept, Latin accents dropped."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from events_app.categories.editing import slugify as category_slug
from events_app.db import Database
from events_app.slugs import SLUG_PATTERN, slugify
from events_app.transfer.ics_import import unique_slug
from tests.admin.event_helpers import edit_form, load_event
from tests.admin.web_helpers import sign_in
from tests.factories import make_event, make_user
from tests.registration.web_helpers import https_client


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("中文标题", "中文标题"),
        ("Café & Science: Board meeting", "cafe-science-board-meeting"),
        ("한국어 제목", "한국어-제목"),
        ("  Open   science!  ", "open-science"),
        ("snake_case_name", "snake-case-name"),
        ("ÉTÉ 2027", "ete-2027"),
        ("!!!", ""),
    ],
)
def test_the_rule(text: str, slug: str) -> None:
    assert slugify(text) == slug
    assert slug == "" or re.match(SLUG_PATTERN, slug)


def test_every_kind_of_page_uses_it() -> None:
    assert category_slug("中文 分类") == "中文-分类"
    assert category_slug("!!!") == "category"
    assert unique_slug("中文标题", taken={"中文标题"}) == "中文标题-2"
    assert slugify("a" * 200, max_length=80) == "a" * 80


def test_a_chinese_title_gives_the_event_an_address(
    app: Starlette, db: Database, now: datetime
) -> None:
    with https_client(app) as client:
        check_chinese_title(client, db, now)


def check_chinese_title(client: TestClient, db: Database, now: datetime) -> None:
    sign_in(client, make_user(db, now, role="editor", email="ed@example.org"))
    make_event(db, now, slug="talk")
    response = edit_form(client, db, "talk", title="中文标题", slug="")
    assert response.status_code == 303, response.text
    event = load_event(db, "中文标题")
    assert event is not None
    assert client.get("/events/中文标题").status_code == 200
