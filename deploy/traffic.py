"""The traffic deploy/two_node.py sends: bursts and steady load through nginx (with the load
harness of tests/load), and what it reads back from the shared database."""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import httpx2 as httpx
from sqlalchemy import func, select
from sqlmodel import col

from deploy.cluster import Cluster
from events_app.clock import utc_now
from events_app.db import Database
from events_app.events.editing import find_event
from events_app.models import OutboxMessage, Registration
from tests.factories import edit_event
from tests.load.harness import Results, Site, read_state, site_client, together

T = TypeVar("T")
LOAD_CONNECTIONS = 12


async def _forwarded_for(request: httpx.Request) -> None:
    """Each request from a client address of its own, as nginx passes it on in
    X-Forwarded-For: per-address rate limits then count per visitor, as in production."""
    a, b, c = random.randrange(256), random.randrange(256), random.randrange(1, 255)
    request.headers["X-Forwarded-For"] = f"10.{a}.{b}.{c}"


def many_visitors(client: httpx.AsyncClient) -> httpx.AsyncClient:
    client.event_hooks["request"].append(_forwarded_for)
    return client


def event_registrations(database_url: str, slug: str) -> list[Registration]:
    db = Database.from_url(database_url)
    try:
        with db.read() as session:
            event = find_event(session=session, slug=slug)
            assert event is not None
            query = select(Registration).where(col(Registration.event_id) == event.id)
            return list(session.scalars(query).all())
    finally:
        db.dispose()


async def register_everyone(cluster: Cluster, slug: str, people: int) -> Results:
    """`people` registrations at once, then each confirmed through the link in its email."""
    with site_client(cluster.proxy_url) as client:
        async with many_visitors(client):
            site = Site(cluster.proxy_url, slug, client)
            await site.open_event_page()
            await together(site.register(f"seat{i:03d}@example.org") for i in range(people))
            ours = {r.id for r in event_registrations(cluster.database_url, slug)}
            tokens = read_state(cluster.database_url).confirm_tokens()
            await together(site.confirm(t) for rid, t in tokens.items() if rid in ours)
            return site.results


def cache_delay(cluster: Cluster, slug: str, node_url: str, timeout: float = 15.0) -> float | None:
    """Seconds from an edit committed to the shared database (as node A's back office saves
    it) until node B lists the new title in 8 answers in a row, each on a new connection so
    that both of its workers answer. The listing is a cached page (an event's own page, with
    its registration form, is not). None if the new title never showed, or if no answer right
    after the edit showed the old one: then the check would prove nothing about the cache."""
    new_title = "Renamed while node B was serving it"
    limits = httpx.Limits(max_keepalive_connections=0)  # each request may go to either worker

    def listings(client: httpx.Client) -> list[str]:
        return [client.get("/events").text for _ in range(8)]

    with httpx.Client(base_url=node_url, timeout=5.0, limits=limits) as client:
        listing = client.get("/events")
        assert "public" in listing.headers["cache-control"], listing.headers
        assert all(new_title not in text for text in listings(client))
        db = Database.from_url(cluster.database_url)
        try:
            edit_event(db, utc_now(), slug, title=new_title)
        finally:
            db.dispose()
        edited = time.monotonic()
        if all(new_title in text for text in listings(client)):
            return None  # not served from the cache
        while time.monotonic() - edited < timeout:
            seen = time.monotonic()
            if all(new_title in text for text in listings(client)):
                return seen - edited
            time.sleep(0.05)
    return None


async def shared_limit_statuses(cluster: Cluster, slug: str, attempts: int) -> list[int]:
    """One client address registering `attempts` people, alternately on node A and node B
    (directly, past nginx); the statuses in order."""
    # New in every run: the count of an address lives in Redis for an hour, so an address
    # drawn from a small range met an earlier run's count now and then (and fewer than the
    # limit were accepted). IPv6's documentation prefix leaves 96 random bits.
    address = "2001:db8:" + ":".join(f"{random.randrange(65536):x}" for _ in range(6))
    headers = {"X-Forwarded-For": address}
    sites = []
    for node in cluster.nodes:
        client = httpx.AsyncClient(base_url=node.url, headers=headers, timeout=30.0)
        site = Site(node.url, slug, client)
        await site.open_event_page()
        sites.append(site)
    try:
        return [
            await sites[i % 2].register(f"limited{i:02d}.{address.replace(':', '-')}@example.org")
            for i in range(attempts)
        ]
    finally:
        for site in sites:
            await site.client.aclose()


def wait_for_outbox(database_url: str, timeout: float) -> dict[str, int]:
    """Messages per status once none is pending, or when `timeout` runs out."""
    db = Database.from_url(database_url)
    try:
        deadline = time.monotonic() + timeout
        while True:
            with db.read() as session:
                status = col(OutboxMessage.status)
                query = select(status, func.count()).group_by(status)
                counts = {str(status): int(n) for status, n in session.execute(query).all()}
            if not counts.get("pending") or time.monotonic() > deadline:
                return counts
            time.sleep(0.5)
    finally:
        db.dispose()


@dataclass(frozen=True)
class Outcome:
    email: str
    started: float
    status: int  # 0: no answer (refused, reset, timed out)


@dataclass
class PageViews(Results):
    def clean(self) -> bool:
        return not self.errors and set(self.statuses) == {200}


@dataclass
class Load:
    """Registrations (each after a view of the event page) on LOAD_CONNECTIONS connections
    through nginx, for as long as an action runs beside them."""

    proxy_url: str
    slug: str
    outcomes: list[Outcome] = field(default_factory=list)
    pages: PageViews = field(default_factory=PageViews)

    async def during(self, action: Callable[[], T]) -> T:
        stop = asyncio.Event()
        numbers = itertools.count()
        with site_client(self.proxy_url) as client:
            async with many_visitors(client):
                site = Site(self.proxy_url, self.slug, client)
                await site.open_event_page()
                loops = [
                    asyncio.create_task(self._visitor(site, numbers, stop))
                    for _ in range(LOAD_CONNECTIONS)
                ]
                try:
                    return await asyncio.to_thread(action)
                finally:
                    stop.set()
                    await asyncio.gather(*loops)

    async def _visitor(self, site: Site, numbers: itertools.count, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                page = await site.client.get(f"/events/{self.slug}")
                self.pages.statuses[page.status_code] += 1
            except httpx.HTTPError as exc:
                self.pages.errors.append(f"page: {exc.__class__.__name__}")
            email = f"load{next(numbers):05d}@example.org"
            started = time.monotonic()
            status = await site.register(email)
            self.outcomes.append(Outcome(email, started, status))

    def acknowledged(self) -> set[str]:
        return {o.email for o in self.outcomes if o.status == 303}

    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status != 303]

    def after(self, moment: float) -> int:
        return sum(o.started > moment for o in self.outcomes)

    def summary(self) -> str:
        registered = {s: sum(o.status == s for o in self.outcomes) for s in
                      sorted({o.status for o in self.outcomes})}  # fmt: skip
        return (f"registrations {registered}, page views {dict(self.pages.statuses)}"
                f"{' ' + str(self.pages.errors[:3]) if self.pages.errors else ''}")  # fmt: skip
