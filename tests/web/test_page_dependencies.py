"""Pages that declare a dependency (web/page_dependencies.py), on a tiny app of their own: the
page cache keeps them until their value moves, checks at most every `check_seconds`, drops only
the pages of the key that moved, and never lets the declaration reach a client."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterator
from datetime import datetime

import pytest
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from events_app.clock import FrozenClock
from events_app.db import Database
from events_app.web.page_cache import CachedPage, PageCache
from events_app.web.page_cache_middleware import PageCacheMiddleware
from events_app.web.page_dependencies import (
    DEPENDS_ON_HEADER,
    Dependency,
    declare_dependency,
    take_dependencies,
)

HEADER = DEPENDS_ON_HEADER.decode()


class Counters:
    """Stands in for a feature's values ("how many seats has room N"), readable by the cache."""

    def __init__(self) -> None:
        self.values = {"room:1": "10", "room:2": "20"}
        self.renders = 0
        self.reads: list[list[str]] = []

    def read(self, *, session: Session, now: datetime, keys: Collection[str]) -> dict[str, str]:
        self.reads.append(sorted(keys))
        return {key: self.values[key] for key in keys if key in self.values}


class Ticks:
    def __init__(self) -> None:
        self.at = 0.0

    def __call__(self) -> float:
        return self.at


@pytest.fixture
def counters() -> Counters:
    return Counters()


@pytest.fixture
def ticks() -> Ticks:
    return Ticks()


@pytest.fixture
def cache(db: Database, now: datetime, counters: Counters, ticks: Ticks) -> PageCache:
    return PageCache(
        db=db,
        clock=FrozenClock(now),
        enabled=True,
        check_seconds=1.0,
        monotonic=ticks,
        dependency_readers={"room": counters.read},
    )


@pytest.fixture
def client(cache: PageCache, counters: Counters) -> Iterator[TestClient]:
    def room(request: Request) -> Response:
        key = f"room:{request.path_params['number']}"
        counters.renders += 1
        shown = counters.values[key]
        response = PlainTextResponse(f"{shown} seats", headers={"cache-control": "public"})
        declare_dependency(response, key, shown)
        return response

    app = Starlette(
        routes=[Route("/rooms/{number}", room, methods=["GET", "POST"])],
    )
    with TestClient(PageCacheMiddleware(app, cache=cache)) as test_client:
        yield test_client


def test_a_page_is_kept_until_its_value_moves_and_only_its_page_goes(
    client: TestClient, counters: Counters, ticks: Ticks
) -> None:
    assert client.get("/rooms/1").text == "10 seats"
    assert client.get("/rooms/2").text == "20 seats"
    assert counters.renders == 2
    counters.values["room:1"] = "9"  # changed by another process
    ticks.at = 0.5  # within the check interval: still the stored page
    assert client.get("/rooms/1").text == "10 seats"
    ticks.at = 1.0
    assert client.get("/rooms/1").text == "9 seats"
    assert client.get("/rooms/2").text == "20 seats"
    assert counters.renders == 3  # room 2 was never rendered again
    assert counters.reads[-1] == ["room:1", "room:2"]  # one reading for every held key


def test_the_declaration_never_reaches_a_client(client: TestClient, cache: PageCache) -> None:
    assert HEADER not in client.get("/rooms/1").headers  # rendered
    assert HEADER not in client.get("/rooms/1").headers  # from the cache
    assert HEADER not in client.post("/rooms/1").headers  # never stored
    cache.enabled = False
    assert HEADER not in client.get("/rooms/2").headers


def test_forget_drops_that_keys_pages_at_once(
    client: TestClient, cache: PageCache, counters: Counters
) -> None:
    client.get("/rooms/1")
    client.get("/rooms/2")
    counters.values["room:1"] = "9"  # changed by this process
    cache.forget("room:1")
    assert client.get("/rooms/1").text == "9 seats"
    assert client.get("/rooms/2").text == "20 seats"
    assert counters.renders == 3


def test_a_page_rendered_before_forget_is_not_stored(
    cache: PageCache, now: datetime, ticks: Ticks
) -> None:
    """A rendering that read the old value, finishing after the write that changed it."""
    old = CachedPage([], b"10 seats", b'"x"', 0, None, now, (Dependency("room:1", "10"),), 1.0)
    ticks.at = 2.0
    cache.forget("room:1")
    cache.store(b"/rooms/1?", old)
    assert cache.lookup(b"/rooms/1?", 0, now) is None
    newer = CachedPage([], b"9 seats", b'"y"', 0, None, now, (Dependency("room:1", "9"),), 2.5)
    cache.store(b"/rooms/1?", newer)
    assert cache.lookup(b"/rooms/1?", 0, now) is newer


def test_a_key_whose_subject_is_gone_drops_its_pages(
    client: TestClient, counters: Counters, ticks: Ticks
) -> None:
    client.get("/rooms/1")
    del counters.values["room:1"]
    counters.values["room:1"] = "10"  # it comes back with the same value: still the same page
    ticks.at = 1.0
    assert client.get("/rooms/1").text == "10 seats"
    assert counters.renders == 1
    counters.reads.clear()
    counters.values.pop("room:1")
    ticks.at = 2.0
    client.get("/rooms/2")  # the check: room 1 has no value now
    assert counters.reads == [["room:1"]]
    counters.values["room:1"] = "10"
    assert client.get("/rooms/1").text == "10 seats"
    assert counters.renders == 3  # room 1 rendered again, room 2 for the first time


def test_declarations_travel_in_one_header_that_is_taken_off() -> None:
    response = PlainTextResponse("")
    declare_dependency(response, "seats:4", "5/4/1")
    declare_dependency(response, "band:4", "few")
    headers = [*response.raw_headers]
    assert take_dependencies(headers) == (
        Dependency("seats:4", "5/4/1"),
        Dependency("band:4", "few"),
    )
    assert DEPENDS_ON_HEADER not in dict(headers)
    assert take_dependencies(headers) == ()
    for key, value in (("no-kind", "1"), ("a:1", "x;y"), ("a:1 b", "1"), ("a:1", "x,y")):
        with pytest.raises(ValueError):
            declare_dependency(PlainTextResponse(""), key, value)


def test_a_burst_of_writes_renders_the_page_ahead_once_per_gap(
    db: Database, now: datetime, counters: Counters
) -> None:
    """A write drops the page and it is rendered again in the background; writes during that
    rendering or the gap after it make one more rendering, with the newest value."""
    cache = PageCache(
        db=db,
        clock=FrozenClock(now),
        enabled=True,
        check_seconds=1.0,
        dependency_readers={"room": counters.read},
    )
    rendered_at: list[float] = []

    def room(request: Request) -> Response:
        counters.renders += 1
        rendered_at.append(time.monotonic())
        shown = counters.values["room:1"]
        response = PlainTextResponse(f"{shown} seats", headers={"cache-control": "public"})
        declare_dependency(response, "room:1", shown)
        return response

    async def take_seats(request: Request) -> Response:
        for _ in range(int(request.query_params["n"])):
            counters.values["room:1"] = str(int(counters.values["room:1"]) - 1)
            cache.forget("room:1")
        return PlainTextResponse("taken")

    app = Starlette(routes=[Route("/rooms/1", room), Route("/take", take_seats, methods=["POST"])])
    middleware = PageCacheMiddleware(app, cache=cache, render_gap=0.2)
    with TestClient(middleware) as client:
        client.get("/rooms/1")
        client.post("/take?n=5")  # five writes at once: one rendering
        _wait_for(lambda: counters.renders == 2 and not middleware._warming)
        assert client.get("/rooms/1").text == "5 seats"
        client.post("/take?n=1")
        client.post("/take?n=1")  # during the gap after the first: one more, after the gap
        _wait_for(lambda: counters.renders == 4 and not middleware._warming)
        assert client.get("/rooms/1").text == "3 seats"
    assert counters.renders == 4  # every answer above came from memory
    assert rendered_at[3] - rendered_at[2] >= 0.2 * 0.9


def _wait_for(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the page was not rendered again in time"
        time.sleep(0.01)
