"""/media/: stored image variants with immutable caching, their name as ETag; a 404 for any
other name (unknown, malformed, a path out of the directory) and a 405 for other methods."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from events_app.config import Settings
from events_app.images.variants import Cover
from tests.factories import store_cover
from tests.support.settings import make_settings


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, media_dir=tmp_path / "media")


def test_a_variant_is_served_with_immutable_caching(client: TestClient, settings: Settings) -> None:
    cover = Cover.from_key(store_cover(settings))
    assert cover is not None
    name = cover.name(960, "webp")
    response = client.get(f"/media/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/webp"
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.content == (settings.media_dir / name).read_bytes()
    etag = response.headers["etag"]
    again = client.get(f"/media/{name}", headers={"if-none-match": etag})
    assert again.status_code == 304
    head = client.head(f"/media/{cover.name(480, 'jpg')}")
    assert head.status_code == 200
    assert head.headers["content-type"] == "image/jpeg"
    assert client.post(f"/media/{name}").status_code in (403, 405)


@pytest.mark.parametrize(
    "path",
    [
        "/media/0123456789abcdef-800x600-480.webp",  # the right shape, not stored
        "/media/secret_key",
        "/media/../var/secret_key",
        "/media/%2e%2e/secret_key",
        "/media/.upload-abc",
        "/media/",
    ],
)
def test_anything_else_is_not_found(client: TestClient, settings: Settings, path: str) -> None:
    settings.media_dir.mkdir(parents=True, exist_ok=True)
    (settings.media_dir / ".upload-abc").write_bytes(b"half")
    assert client.get(path).status_code == 404
