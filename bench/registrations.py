"""Registrations confirmed per second with no overbooking, against `events-app serve` as
deployed: SQLite with one process, PostgreSQL with `--workers 4`.

`people` register at once (CONCURRENCY requests in flight) for one event with half as many
seats, then all confirm at once (the link from their email, read back from the outbox). The
rate is the confirmations per second of the confirm phase (a confirmation is the write that
takes a seat or a waitlist place under the event's lock), and the run checks what a race must
leave: exactly `capacity` confirmed, the rest waitlisted, no server error. The register phase's
rate is printed beside it (each registration answers no sooner than
EVENTS_REGISTRATION_ANSWER_MS, 150 ms, which bounds it by the concurrency, not by the server).
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.run import cpu_plan, pinned
from bench.serving import app_env, running, serve_command
from deploy.cluster import scratch_database
from events_app.db import Database
from events_app.migrate import upgrade_database
from tests.factories import make_event
from tests.load.harness import Site, read_state, site_client

GOALS = {"sqlite": 200.0, "postgres": 400.0}
WORKERS = {"sqlite": 1, "postgres": 4}
CONCURRENCY = 64
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass(frozen=True)
class Outcome:
    row: str
    rate: float
    goal: float
    met: bool
    note: str


class Visitors(Site):
    """The load harness's site, with the form's token only while the page carries one."""

    async def fetch_csrf(self) -> None:
        response = await self.client.get(f"/events/{self.slug}")
        found = CSRF_FIELD.search(response.text)
        if found:
            self.csrf = found.group(1)
            self.client.cookies.set("events_csrf", self.csrf)


@contextmanager
def database(kind: str, postgres: str, workdir: Path) -> Iterator[str]:
    if kind == "postgres":
        with scratch_database(postgres) as url:
            yield url
    else:
        url = f"sqlite:///{workdir / 'registrations.db'}"
        upgrade_database(url)
        yield url


def seed(url: str, capacity: int) -> str:
    db = Database.from_url(url)
    try:
        now = datetime.now(UTC)
        return make_event(db, now, capacity=capacity, starts_at=now + timedelta(days=30)).slug
    finally:
        db.dispose()


async def bounded(calls: list[Callable[[], Awaitable[int]]]) -> float:
    """All calls, CONCURRENCY at a time; the seconds they took."""
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(call: Callable[[], Awaitable[int]]) -> int:
        async with gate:
            return await call()

    started = time.perf_counter()
    await asyncio.gather(*(one(call) for call in calls))
    return time.perf_counter() - started


async def race(
    base_url: str, slug: str, url: str, people: int, secret_key: str
) -> tuple[float, float, Site]:
    with site_client(base_url) as client:
        async with client:
            site = Visitors(base_url, slug, client)
            await site.fetch_csrf()
            emails = [f"person{i:05d}@example.org" for i in range(people)]
            registering = await bounded([lambda e=e: site.register(e) for e in emails])
            tokens = list(read_state(url, secret_key).confirm_tokens().values())
            confirming = await bounded([lambda t=t: site.confirm(t) for t in tokens])
            return registering, confirming, site


def measure(kind: str, postgres: str, workdir: Path, *, people: int) -> Outcome:
    workers = WORKERS[kind]
    row = f"registrations confirmed/s, {kind}, {workers} process{'es' if workers > 1 else ''}"
    capacity = people // 2
    server_cpu, _load_cpu = cpu_plan()
    # Several workers need both cores; one process is pinned like the other servers.
    pin = pinned(server_cpu) if workers == 1 else []
    with database(kind, postgres, workdir) as url:
        slug = seed(url, capacity)
        env = app_env(url, EVENTS_RATE_LIMIT_ENABLED="false")
        log = workdir / f"registrations-{kind}.log"
        command = lambda port: serve_command(port, pin, workers)  # noqa: E731
        with running(command, env, "/healthz", log) as server:
            registering, confirming, site = asyncio.run(
                race(server.url, slug, url, people, env["EVENTS_SECRET_KEY"])
            )
        state = read_state(url, env["EVENTS_SECRET_KEY"])
    confirmed, waitlisted = state.count("confirmed"), state.count("waitlisted")
    overbooked = confirmed > capacity
    clean = site.results.statuses == {303: 2 * people} and not site.results.errors
    correct = not overbooked and clean and confirmed + waitlisted == people
    rate = people / confirming
    failed = {status: n for status, n in site.results.statuses.items() if status != 303}
    note = (
        f"{people} people for {capacity} seats: {confirmed} confirmed, {waitlisted} waitlisted"
        f"{', OVERBOOKED' if overbooked else ', no overbooking'}"
        f"{f', failed answers {failed}' if failed else ''}; "
        f"registering {people / registering:,.0f}/s"
    )
    print(f"  {row}: {rate:,.0f}/s; {note}", flush=True)
    return Outcome(row, rate, GOALS[kind], correct and rate >= GOALS[kind], note)
