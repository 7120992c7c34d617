"""Issue 11's table, measured as deployed: `events-app serve` against a bare Starlette endpoint
serving the same bytes, in the same run, server and load on separate cores.

  event page, registration open, unchanged   >= 90 % of bare (requests/s)
  /events with 8 events (~10 kB), with 50    >= 90 % of bare
  /events.ics with 50                        >= 90 % of bare
  event page, first request after a registration on it   <= 5 ms (median)
  registrations confirmed per second, no overbooking: SQLite one process >= 200/s,
  PostgreSQL --workers 4 >= 400/s (bench/registrations.py)

Each row prints the measured value, the bare value, their ratio, the goal and PASS or BELOW
GOAL; `--json` writes them (bench/results/ is ignored by git). `--quick` runs every row
briefly, for development on a shared machine: its figures are indications only.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))

from bench import registrations  # noqa: E402
from bench.run import (  # noqa: E402
    HOST,
    Measurement,
    Options,
    Row,
    Server,
    choose_tool,
    cpu_plan,
    describe,
    measure,
    pinned,
)
from bench.seed import event_values, seed_database  # noqa: E402
from bench.serving import app_env, bare_command, bare_env, running, serve_command  # noqa: E402

THROUGHPUT_GOAL = 0.90
FIRST_REQUEST_GOAL_MS = 5.0
CSRF_FIELD = re.compile(rb'name="csrf_token" value="([^"]+)"')


@dataclass(frozen=True)
class Page:
    name: str
    events: int  # how many live events the database holds
    path: str
    media_type: str


@dataclass
class Result:
    row: str
    value: float
    bare: float | None
    unit: str
    goal: str
    met: bool
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return self.value / self.bare if self.bare else None


def event_page_path() -> str:
    return f"/events/{event_values(1, datetime.now(UTC))['slug']}"


def pages() -> list[Page]:
    return [
        Page("event page, registration open", 50, event_page_path(), "text/html"),
        Page("/events, 8 events", 8, "/events", "text/html"),
        Page("/events, 50 events", 50, "/events", "text/html"),
        Page("/events.ics, 50 events", 50, "/events.ics", "text/calendar"),
    ]


def get(port: int, path: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    return response


def capture(port: int, page: Page, workdir: Path) -> tuple[Path, str]:
    """The page's bytes for the bare app, and a note when two visitors get different bytes
    (a per-visitor form token: the page cannot be cached, and the bare app serves one copy)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    bodies = []
    for _ in range(2):
        connection.request("GET", page.path)
        response = connection.getresponse()
        bodies.append(response.read())
        if response.status != 200:
            raise RuntimeError(f"GET {page.path}: {response.status}")
        cache_control = response.getheader("cache-control", "")
    connection.close()
    body_file = workdir / f"body-{len(list(workdir.glob('body-*')))}"
    body_file.write_bytes(bodies[0])
    note = f"{len(bodies[0]):,} bytes, Cache-Control: {cache_control}"
    if bodies[0] != bodies[1]:
        note += "; different bytes per visitor (not cacheable)"
    return body_file, note


def throughput(page: Page, databases: dict[int, str], options: Options, workdir: Path) -> Result:
    server_cpu, load_cpu = cpu_plan()
    server_pin, load_pin = pinned(server_cpu), pinned(load_cpu)
    env = app_env(databases[page.events])
    log = workdir / "servers.log"
    with running(lambda port: serve_command(port, server_pin), env, page.path, log) as app:
        body_file, note = capture(app.port, page, workdir)
    row = Row(page.name, "html", "cached", page.path, page.events)
    runs: dict[str, list[Measurement]] = {"bare": [], "app": []}
    for number in range(options.runs):
        order = ("bare", "app") if number % 2 == 0 else ("app", "bare")
        for which in order:
            if which == "bare":
                command, server_env = (
                    lambda port: bare_command(port, server_pin),
                    bare_env(body_file, page.path, page.media_type),
                )
            else:
                command, server_env = (lambda port: serve_command(port, server_pin), env)
            with running(command, server_env, page.path, log) as server:
                result = measure(Server(row, server.port, server.pid), options, load_pin)
            runs[which].append(result)
            print(f"  {page.name} {which:>4}: {describe(result)}", flush=True)
    app_rps = statistics.median(r.rps for r in runs["app"])
    bare_rps = statistics.median(r.rps for r in runs["bare"])
    return Result(
        page.name,
        app_rps,
        bare_rps,
        "req/s",
        f">= {THROUGHPUT_GOAL:.0%} of bare",
        app_rps >= THROUGHPUT_GOAL * bare_rps,
        note,
    )


def timed_get(connection: http.client.HTTPConnection, path: str) -> float:
    started = time.perf_counter()
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status != 200:
        raise RuntimeError(f"GET {path}: {response.status}")
    return elapsed


def register(port: int, path: str, email: str) -> None:
    """Post the event's registration form as a browser would (with the form's token and
    cookie while the page carries one)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    found = CSRF_FIELD.search(response.read())
    token = found.group(1).decode() if found else ""
    form = f"name=Bench&email={email}&consent=on&website=&csrf_token={token}"
    headers = {"content-type": "application/x-www-form-urlencoded"}
    if token:
        headers["cookie"] = f"events_csrf={token}"
    connection.request("POST", f"{path}/register", body=form, headers=headers)
    answer = connection.getresponse()
    answer.read()
    connection.close()
    if answer.status != 303:
        raise RuntimeError(f"registration answered {answer.status}")


def first_request_after_registration(
    databases: dict[int, str], options: Options, workdir: Path, repeats: int
) -> Result:
    """Median time of the first GET of an event page after a registration on that event (the
    seats left changed), on a keep-alive connection; the bare app's GET of the same bytes."""
    server_cpu, _load_cpu = cpu_plan()
    pin = pinned(server_cpu)
    path = event_page_path()
    env = app_env(databases[50], EVENTS_RATE_LIMIT_ENABLED="false")
    log = workdir / "servers.log"
    with running(lambda port: serve_command(port, pin), env, path, log) as app:
        body_file, _note = capture(app.port, Page("", 50, path, "text/html"), workdir)
        reader = http.client.HTTPConnection(HOST, app.port, timeout=10)
        timed_get(reader, path)
        times = []
        for number in range(repeats):
            register(app.port, path, f"first-request-{number}@example.org")
            times.append(timed_get(reader, path))
    with running(
        lambda port: bare_command(port, pin), bare_env(body_file, path, "text/html"), path, log
    ) as bare:
        reader = http.client.HTTPConnection(HOST, bare.port, timeout=10)
        bare_times = [timed_get(reader, path) for _ in range(repeats + 1)][1:]
    median = statistics.median(times)
    print(
        f"  first request after a registration: median {median:.2f} ms, max "
        f"{max(times):.2f} ms over {repeats}; bare {statistics.median(bare_times):.2f} ms"
    )
    return Result(
        "event page, first request after a registration",
        median,
        statistics.median(bare_times),
        "ms",
        f"<= {FIRST_REQUEST_GOAL_MS:g} ms",
        median <= FIRST_REQUEST_GOAL_MS,
        f"max {max(times):.2f} ms of {repeats}",
    )


def print_table(results: list[Result]) -> None:
    print(f"\n{'row':<50}{'measured':>14}{'bare':>14}{'ratio':>9}  {'goal':<16}result")
    for r in results:
        bare = f"{r.bare:,.1f} {r.unit}" if r.bare else "-"
        ratio = f"{r.ratio:.1%}" if r.ratio else "-"
        verdict = "PASS" if r.met else "BELOW GOAL"
        print(
            f"{r.row:<50}{r.value:>10,.1f} {r.unit:<4}{bare:>14}{ratio:>9}  {r.goal:<16}{verdict}"
        )
        if r.note:
            print(f"{'':<4}{r.note}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="1 run of 2 s per server, fewer registrations: indications only",
    )
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per run (5)")
    parser.add_argument("--runs", type=int, default=3, help="runs per server, median kept (3)")
    parser.add_argument("--connections", type=int, default=16, help="open connections (16)")
    parser.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument(
        "--postgres",
        default="postgresql://postgres@127.0.0.1:5432/postgres",
        help="server for the PostgreSQL registrations row ('' skips it)",
    )
    parser.add_argument("--json", type=Path, dest="json_path", help="also write results here")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.runs = 2.0, 1
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    options = Options(
        duration=args.duration,
        runs=args.runs,
        warmup=0.5 if args.quick else 1.0,
        connections=args.connections,
        tool=choose_tool(args.tool),
        strict=False,
        json_path=None,
    )
    people = 200 if args.quick else 1000
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="events-bench-deployed-") as name:
        workdir = Path(name)
        databases = {}
        for count in (8, 50):
            databases[count] = f"sqlite:///{workdir / f'bench-{count}.db'}"
            seed_database(databases[count], datetime.now(UTC), count=count)
        for page in pages():
            results.append(throughput(page, databases, options, workdir))
        repeats = 10 if args.quick else 30
        results.append(first_request_after_registration(databases, options, workdir, repeats))
        for kind in ("sqlite", "postgres"):
            if kind == "postgres" and not args.postgres:
                continue
            outcome = registrations.measure(kind, args.postgres, workdir, people=people)
            results.append(
                Result(
                    outcome.row,
                    outcome.rate,
                    None,
                    "/s",
                    f">= {outcome.goal:g}/s",
                    outcome.met,
                    outcome.note,
                )
            )
    print_table(results)
    if args.quick:
        print("(--quick: one short run per server; indications only)")
    if args.json_path:
        args.json_path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "quick": args.quick,
            "results": [{**asdict(r), "ratio": r.ratio} for r in results],
        }
        args.json_path.write_text(json.dumps(data, indent=2) + "\n")
        print(f"results written to {args.json_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
