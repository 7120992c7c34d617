"""Static files come from memory, with validators, and need no worker thread."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from events_app.resources import STATIC_DIR
from events_app.web.static_files import MemoryStaticFiles


def test_static_files_are_served_with_validators_and_304s(client: TestClient) -> None:
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert response.content == (STATIC_DIR / "css" / "site.css").read_bytes()
    assert response.headers["content-type"] == "text/css; charset=utf-8"
    etag, modified = response.headers["etag"], response.headers["last-modified"]
    assert client.get("/static/css/site.css", headers={"if-none-match": etag}).status_code == 304
    since = client.get("/static/css/site.css", headers={"if-modified-since": modified})
    assert since.status_code == 304
    head = client.head("/static/js/share.js", headers={"accept-encoding": "identity"})
    assert head.status_code == 200
    assert head.content == b""
    assert int(head.headers["content-length"]) == (STATIC_DIR / "js" / "share.js").stat().st_size
    assert client.get("/static/css/nope.css").status_code == 404
    assert client.post("/static/css/site.css").status_code in (403, 405)


def test_a_fingerprinted_address_is_cached_for_a_year_any_other_briefly(
    client: TestClient,
) -> None:
    fingerprint = hashlib.sha256((STATIC_DIR / "css" / "site.css").read_bytes()).hexdigest()[:12]
    current = client.get(f"/static/css/site.css?v={fingerprint}")
    assert current.headers["cache-control"] == "public, max-age=31536000, immutable"
    for address in ("/static/css/site.css", "/static/css/site.css?v=0123456789ab"):
        assert client.get(address).headers["cache-control"] == "public, max-age=300"
    home = client.get("/")
    assert f"/static/css/site.css?v={fingerprint}" in home.text  # what pages link to
    again = client.get(
        f"/static/css/site.css?v={fingerprint}",
        headers={"if-none-match": current.headers["etag"], "accept-encoding": "gzip"},
    )
    assert again.status_code == 304
    assert again.headers["cache-control"] == "public, max-age=31536000, immutable"


def test_text_files_go_gzipped_to_clients_that_accept_it(client: TestClient) -> None:
    original = (STATIC_DIR / "css" / "site.css").read_bytes()
    raw = client.get("/static/css/site.css", headers={"accept-encoding": "gzip, deflate, br"})
    assert raw.headers["content-encoding"] == "gzip"
    assert raw.headers["vary"] == "accept-encoding"
    assert int(raw.headers["content-length"]) < len(original) / 3
    assert raw.content == original  # the client decoded it
    plain = client.get("/static/css/site.css", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.headers["vary"] == "accept-encoding"
    assert plain.content == original
    assert plain.headers["etag"] != raw.headers["etag"]  # one ETag per variant
    refused = client.get("/static/css/site.css", headers={"accept-encoding": "gzip;q=0"})
    assert "content-encoding" not in refused.headers


def test_a_file_gzip_would_not_shrink_is_sent_as_it_is(tmp_path: Path) -> None:
    (tmp_path / "tiny.txt").write_bytes(b"ok")
    assert len(gzip.compress(b"ok")) > 2
    with TestClient(Starlette(routes=[Mount("/s", MemoryStaticFiles(tmp_path))])) as tiny:
        answer = tiny.get("/s/tiny.txt", headers={"accept-encoding": "gzip"})
    assert answer.content == b"ok"
    assert "content-encoding" not in answer.headers
    assert "vary" not in answer.headers
