"""A real server for the browser tests: uvicorn on 127.0.0.1 in a background thread, serving
create_app() against its own SQLite file, either empty or filled with the demo content."""

from __future__ import annotations

import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from events_app.app import create_app
from events_app.clock import FrozenClock
from events_app.db import Database
from events_app.demo.loader import load_demo
from events_app.images.store import MediaStore
from events_app.migrate import upgrade_database
from tests.support.settings import START, make_settings

STARTUP_SECONDS = 15.0


@dataclass(frozen=True)
class LiveSite:
    name: str
    base_url: str
    database_url: str
    clock: FrozenClock

    def url(self, path: str) -> str:
        return self.base_url + path

    def fetch(self, path: str) -> tuple[int, bytes]:
        """The page exactly as served (status, body): what the HTML checker must see, rather
        than the browser's re-serialised DOM."""
        request = urllib.request.Request(self.url(path), headers={"accept": "text/html"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.read()


@contextmanager
def running_site(directory: Path, *, name: str, demo: bool) -> Iterator[LiveSite]:
    database_url = f"sqlite:///{directory / 'events.db'}"
    upgrade_database(database_url)
    clock = FrozenClock(START)
    media = directory / "media"  # the demo's cover images, drawn as it is loaded
    if demo:
        db = Database.from_url(database_url)
        try:
            with db.write() as session:
                store = MediaStore(media, 8 * 1024 * 1024, 40_000_000)
                load_demo(session=session, now=clock.now(), store=store)
        finally:
            db.dispose()

    # Bind first and hand the socket to uvicorn: the port is ours from the start, no race.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    base_url = f"http://127.0.0.1:{port}"
    settings = make_settings(
        database_url, base_url=base_url, allowed_hosts=["127.0.0.1"], media_dir=media
    )
    app = create_app(settings, clock=clock)
    config = uvicorn.Config(app, lifespan="on", log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"uvicorn-{name}", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the {name} site did not start on {base_url}")
            time.sleep(0.02)
        yield LiveSite(name=name, base_url=base_url, database_url=database_url, clock=clock)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
