"""Soak: mixed traffic for --minutes against `events-app serve --workers 2` (with its own
`events-app worker`) on SQLite, then on PostgreSQL; errors, latency and each process's
resident memory over time. Goal: no error, and no process's memory more than 10% above
where it stood after the warm-up (the first fifth of the run).

Traffic, at a steady --rate over --connections keep-alive connections, each request from a
client address of its own (X-Forwarded-For, trusted from loopback as behind nginx):
  60% page views (/, /events, an event's page), 25% calendar-feed polls with If-None-Match
  (a calendar app asking "changed?"), 15% registrations for one of the 50 seeded events.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))  # `python bench/soak.py` from anywhere

import httpx2 as httpx  # noqa: E402

from bench.memory import MemoryLog  # noqa: E402
from bench.seed import EVENT_COUNT, event_values, seed_database  # noqa: E402
from deploy.cluster import (  # noqa: E402
    Node,
    events_app_command,
    node_environment,
    scratch_database,
    spawn,
)
from deploy.traffic import many_visitors  # noqa: E402
from tests.load.harness import (  # noqa: E402
    KEEPALIVE_SECONDS,
    Site,
    free_port,
    stop_process_group,
)

GROWTH_LIMIT = 0.10
EXPECTED = {"page": {200}, "feed": {200, 304}, "register": {303}}


@dataclass
class Traffic:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[str, Counter[int]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def record(self, kind: str, status: int, seconds: float) -> None:
        self.latencies.setdefault(kind, []).append(seconds)
        self.statuses.setdefault(kind, Counter())[status] += 1
        if status not in EXPECTED[kind]:
            self.errors.append(f"{kind}: {status or 'no answer'}")

    def percentiles(self, kind: str | None = None) -> tuple[float, float]:
        values = sorted(v for k, vs in self.latencies.items() if kind in (None, k) for v in vs) or [
            0.0
        ]
        cuts = statistics.quantiles(values, n=100, method="inclusive") if len(values) > 1 else []
        return (cuts[49], cuts[98]) if cuts else (values[0], values[0])

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.latencies.values())


class Visitor:
    """One keep-alive connection's worth of visitors, paced to its share of the rate."""

    def __init__(self, base_url: str, client: httpx.AsyncClient, slugs: list[str]):
        self.base_url, self.client, self.slugs = base_url, client, slugs
        self.etag: str | None = None
        self.numbers = iter(range(10**9))

    async def one(self, traffic: Traffic, prefix: str) -> None:
        roll = random.random()
        started = time.perf_counter()
        kind, status = "page", 0
        try:
            if roll < 0.60:
                path = random.choice(["/", "/events", f"/events/{random.choice(self.slugs)}"])
                status = (await self.client.get(path)).status_code
            elif roll < 0.85:
                kind = "feed"
                headers = {"If-None-Match": self.etag} if self.etag else {}
                response = await self.client.get("/events.ics", headers=headers)
                self.etag = response.headers.get("etag", self.etag)
                status = response.status_code
            else:
                kind = "register"
                site = Site(self.base_url, random.choice(self.slugs), self.client)
                status = await site.register(f"{prefix}{next(self.numbers)}@example.org")
        except httpx.HTTPError as exc:
            traffic.errors.append(f"{kind}: {exc.__class__.__name__}")
        traffic.record(kind, status, time.perf_counter() - started)


async def drive(base_url: str, slugs: list[str], seconds: float, rate: float, connections: int,
                traffic: Traffic) -> None:  # fmt: skip
    limits = httpx.Limits(max_connections=connections, keepalive_expiry=KEEPALIVE_SECONDS)
    async with many_visitors(
        httpx.AsyncClient(base_url=base_url, timeout=30.0, limits=limits)
    ) as client:
        first = Site(base_url, slugs[0], client)
        await first.open_event_page()
        interval = connections / rate
        deadline = time.monotonic() + seconds

        async def loop(number: int) -> None:
            visitor = Visitor(base_url, client, slugs)
            next_at = time.monotonic() + interval * number / connections
            while next_at < deadline:
                await asyncio.sleep(max(0.0, next_at - time.monotonic()))
                await visitor.one(traffic, f"soak{number}.")
                next_at += interval

        await asyncio.gather(*(loop(n) for n in range(connections)))


@contextmanager
def database(kind: str, postgres: str, workdir: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'soak.db'}"
    else:
        with scratch_database(postgres) as url:
            yield url


def soak(kind: str, args: argparse.Namespace, workdir: Path) -> dict[str, object]:
    with ExitStack() as stack:
        url = stack.enter_context(database(kind, args.postgres, workdir))
        now = datetime.now(UTC)
        seed_database(url, now)
        slugs = [str(event_values(n, now)["slug"]) for n in range(1, EVENT_COUNT + 1)]
        port = free_port()
        env = node_environment(url, "", f"http://127.0.0.1:{port}", EVENTS_LOG_LEVEL="WARNING")
        node = Node(f"soak-{kind}", port, env, workdir)
        stack.callback(node.stop)
        node.start()
        mail = spawn([*events_app_command(), "worker"], env, workdir / f"mail-{kind}.log")
        stack.callback(stop_process_group, mail)
        assert node.process is not None
        memory = MemoryLog({"serve": node.process.pid, "mail worker": mail.pid})
        seconds = args.minutes * 60
        traffic = Traffic()
        print(f"\n{kind}: {args.minutes:g} min at {args.rate:g} requests/s...", flush=True)
        stack.enter_context(memory.sampling(args.sample_seconds))
        asyncio.run(drive(node.url, slugs, seconds, args.rate, args.connections, traffic))
    return summarise(kind, traffic, memory, seconds)


def summarise(kind: str, traffic: Traffic, memory: MemoryLog, seconds: float) -> dict[str, object]:
    p50, p99 = traffic.percentiles()
    growth = memory.growth(warmup=seconds / 5)
    flat = all(g <= GROWTH_LIMIT for g in growth.values())
    print(f"{kind}: {traffic.count} requests in {seconds:.0f} s, {len(traffic.errors)} errors"
          f"{' ' + str(Counter(traffic.errors).most_common(3)) if traffic.errors else ''}; "
          f"p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms")  # fmt: skip
    for k in sorted(traffic.latencies):
        kp50, kp99 = traffic.percentiles(k)
        print(f"  {k:<9} {len(traffic.latencies[k]):>7} {dict(traffic.statuses[k])}  "
              f"p50 {kp50 * 1000:.1f} ms, p99 {kp99 * 1000:.1f} ms")  # fmt: skip
    print(memory.table(warmup=seconds / 5))
    print(f"{kind}: memory {'flat' if flat else 'NOT flat'} (limit +{GROWTH_LIMIT:.0%} after "
          f"warm-up); errors {'none' if not traffic.errors else len(traffic.errors)}")  # fmt: skip
    return {
        "requests": traffic.count,
        "errors": len(traffic.errors),
        "statuses": {k: dict(v) for k, v in traffic.statuses.items()},
        "p50_ms": p50 * 1000,
        "p99_ms": p99 * 1000,
        "memory_mb": memory.timeline(),
        "growth_after_warmup": growth,
        "goal_met": flat and not traffic.errors,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="per database (10)")
    parser.add_argument("--rate", type=float, default=40.0, help="requests per second (40)")
    parser.add_argument("--connections", type=int, default=8, help="keep-alive connections (8)")
    parser.add_argument("--sample-seconds", type=float, default=5.0, help="memory samples (5)")
    parser.add_argument("--only", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument(
        "--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres",
        help="a PostgreSQL role that may create a scratch database (dropped at the end)",
    )  # fmt: skip
    parser.add_argument("--json", type=Path, dest="json_path", help="also write results here")
    parser.add_argument("--strict", action="store_true", help="exit 1 when the goal is missed")
    args = parser.parse_args(argv)
    if args.minutes <= 0 or args.rate <= 0 or args.connections < 1:
        parser.error("--minutes, --rate and --connections must be positive")
    kinds = ["sqlite", "postgres"] if args.only == "both" else [args.only]
    results = {}
    with tempfile.TemporaryDirectory(prefix="events-soak-") as tmp:
        for kind in kinds:
            workdir = Path(tmp) / kind
            workdir.mkdir()
            results[kind] = soak(kind, args, workdir)
    met = all(bool(r["goal_met"]) for r in results.values())
    print(f"\nsoak goal (0 errors, memory within +{GROWTH_LIMIT:.0%}): "
          f"{'met' if met else 'NOT met'}")  # fmt: skip
    if args.json_path:
        args.json_path.parent.mkdir(parents=True, exist_ok=True)
        args.json_path.write_text(json.dumps(results, indent=2) + "\n")
    return 1 if args.strict and not met else 0


if __name__ == "__main__":
    sys.exit(main())
