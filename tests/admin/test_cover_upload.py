"""Cover images uploaded in the back office's event and article forms: a good image is stored
and shown; a hostile one (a bomb's header, SVG with script, a page) comes back as a field
error in the summary with the rest of the input kept, and nothing is written."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from events_app.admin.event_form import blank_form
from events_app.config import Settings
from events_app.db import Database
from events_app.images.variants import Cover
from events_app.models import User
from tests.admin.event_helpers import as_fields, load_event, stored_form
from tests.admin.web_helpers import sign_in
from tests.factories import make_article, make_event, make_user
from tests.registration.web_helpers import csrf_from
from tests.support import images
from tests.support.error_summary import assert_error_summary
from tests.support.settings import make_settings

NEW = "/admin/events/new"


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, media_dir=tmp_path / "media")


@pytest.fixture
def editor(client: TestClient, db: Database, now: datetime) -> User:
    user = make_user(db, now, role="editor", email="ed@example.org")
    sign_in(client, user)
    return user


def new_form(**fields: object) -> dict[str, Any]:
    form = blank_form("Europe/Berlin") | {
        "title": "Open labs",
        "summary": "Doors open.",
        "starts_at": "2026-12-08T14:00",
        "ends_at": "2026-12-08T16:00",
        "venue": "Main Hall",
    }
    return form | fields


def send(client: TestClient, path: str, form: dict[str, Any], data: bytes | None, **extra: str):  # type: ignore[no-untyped-def]
    fields = as_fields(form) | {"csrf_token": csrf_from(client, path), "action": "save"} | extra
    files = {"image_file": ("picture.jpg", data, "image/jpeg")} if data is not None else None
    return client.post(path, data=fields, files=files, follow_redirects=False)


def test_an_uploaded_image_is_stored_and_the_event_names_it(
    client: TestClient, db: Database, settings: Settings, editor: User
) -> None:
    response = send(client, NEW, new_form(image_alt="A lab bench"), images.jpeg(2400, 1600))
    assert response.status_code == 303, response.text
    event = load_event(db, "open-labs")
    assert event is not None
    cover = Cover.from_key(event.image)
    assert cover is not None
    assert event.image_alt == "A lab bench"
    assert all((settings.media_dir / name).is_file() for name in cover.names())
    page = client.get("/admin/events/open-labs").text
    assert f'name="image" value="{event.image}"' in page  # kept on the next save
    assert 'enctype="multipart/form-data"' in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (images.png_bomb(), "too many pixels"),
        (images.SVG_WITH_SCRIPT, "JPEG, PNG or WebP"),
        (images.HTML_PAGE, "JPEG, PNG or WebP"),
        (images.png()[:200], "could not be read"),
    ],
)
def test_a_hostile_file_comes_back_as_a_field_error_with_the_input_kept(
    client: TestClient, db: Database, settings: Settings, editor: User, data: bytes, message: str
) -> None:
    response = send(client, NEW, new_form(image_alt="Alt kept"), data)
    assert response.status_code == 400
    links = assert_error_summary(response.text, ["ev-image-file"])
    assert message in links[0][1]
    assert 'value="Open labs"' in response.text
    assert "Doors open." in response.text
    assert 'value="Alt kept"' in response.text
    assert load_event(db, "open-labs") is None
    assert not settings.media_dir.exists() or not any(settings.media_dir.iterdir())


def test_a_file_over_the_size_limit_is_refused(
    client: TestClient, db: Database, database_url: str, tmp_path: Path, editor: User
) -> None:
    data = images.jpeg(2000, 1500, quality=100)
    client.app.state.context.settings.max_image_bytes = len(data) - 1  # type: ignore[attr-defined]
    response = send(client, NEW, new_form(image_alt="x"), data)
    assert response.status_code == 400
    links = assert_error_summary(response.text, ["ev-image-file"])
    assert "at most" in links[0][1]
    assert load_event(db, "open-labs") is None


def test_an_image_needs_its_alternative_text_and_comes_back_uploaded(
    client: TestClient, db: Database, editor: User
) -> None:
    response = send(client, NEW, new_form(), images.jpeg())
    assert response.status_code == 400
    assert_error_summary(response.text, ["ev-image-alt"])
    kept = Cover.from_key(response.text.split('name="image" value="', 1)[1].split('"', 1)[0])
    assert kept is not None  # the upload is not lost: the next send names it
    again = send(client, NEW, new_form(image=kept.key, image_alt="Stripes"), None)
    assert again.status_code == 303
    event = load_event(db, "open-labs")
    assert event is not None
    assert event.image == kept.key


def test_a_forged_image_key_is_dropped(client: TestClient, db: Database, editor: User) -> None:
    forged = "0123456789abcdef-800x600"
    assert send(client, NEW, new_form(image=forged, image_alt="x"), None).status_code == 303
    event = load_event(db, "open-labs")
    assert event is not None
    assert event.image == ""


def test_an_image_is_removed_with_its_box(
    client: TestClient, db: Database, now: datetime, settings: Settings, editor: User
) -> None:
    make_event(db, now, slug="talk")
    path = "/admin/events/talk"
    assert (
        send(client, path, stored_form(db, "talk") | {"image_alt": "x"}, images.png()).status_code
        == 303
    )
    event = load_event(db, "talk")
    assert event is not None
    assert event.image
    form = stored_form(db, "talk") | {"image_remove": True}
    assert send(client, path, form, None).status_code == 303
    event = load_event(db, "talk")
    assert event is not None
    assert event.image == ""


def test_an_article_takes_a_cover_image_too(
    client: TestClient, db: Database, now: datetime, editor: User
) -> None:
    make_article(db, now, slug="why", title="Why")
    path = "/admin/articles/why"
    form = {"title": "Why", "slug": "why", "body": "Text.", "image_alt": "A chart"}
    response = send(client, path, form, images.webp())
    assert response.status_code == 303, response.text
    page = client.get("/articles/why").text
    assert 'alt="A chart"' in page
    refused = send(client, path, form, images.SVG_WITH_SCRIPT)
    assert refused.status_code == 400
    assert_error_summary(refused.text, ["ar-image-file"])
