"""Static files come from memory, with validators, and need no worker thread."""

from __future__ import annotations

from starlette.testclient import TestClient

from events_app.resources import STATIC_DIR


def test_static_files_are_served_with_validators_and_304s(client: TestClient) -> None:
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert response.content == (STATIC_DIR / "css" / "site.css").read_bytes()
    assert response.headers["content-type"] == "text/css; charset=utf-8"
    etag, modified = response.headers["etag"], response.headers["last-modified"]
    assert client.get("/static/css/site.css", headers={"if-none-match": etag}).status_code == 304
    since = client.get("/static/css/site.css", headers={"if-modified-since": modified})
    assert since.status_code == 304
    head = client.head("/static/js/share.js")
    assert head.status_code == 200
    assert head.content == b""
    assert int(head.headers["content-length"]) == (STATIC_DIR / "js" / "share.js").stat().st_size
    assert client.get("/static/css/nope.css").status_code == 404
    assert client.post("/static/css/site.css").status_code in (403, 405)
