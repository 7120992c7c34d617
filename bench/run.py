"""`make bench`: requests per second for /events with 50 live events and for the /events.ics
calendar feed with 50 and 1,000, each against a bare Starlette endpoint that returns the same
bytes, in the same run; then the feed rebuilt after one event changed (bench/feed_rebuild.py).

Single-process servers, measured one at a time on 127.0.0.1 (`--only html|feed|all`):
  bare            bench/bare_app.py under uvicorn, returning the captured /events page
  cached          the events app as deployed (`events-app serve`, page cache on)
  uncached        the events app with EVENTS_PAGE_CACHE=false: every request renders from SQLite
  bare-feed-N     bench/bare_app.py, returning the captured /events.ics (N events) as a constant
  feed-N          the events app as deployed, polled for its unchanged feed of N events
Then a 16,000-event JSON import into SQLite against a raw executemany of the same rows
(bench/import_speed.py).
Targets: cached >= 85% of bare, uncached >= 3% of bare, feed-N >= 85% of bare-feed-N, a feed
of 1,000 events rebuilt in <= 50 ms after one changed, an import of >= 1,000 events/s. See
bench/README.md for the method.

Then issue 11's table (bench/deployed.py, `--only deployed`), and the soak (bench/soak.py):
mixed traffic for --soak-minutes (10) per database against `events-app serve --workers 2` on
SQLite and PostgreSQL; goal 0 errors and memory flat.
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import json
import os
import platform
import re
import resource
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
sys.path.insert(0, str(PROJECT_ROOT))  # `python bench/run.py` from anywhere

from bench.seed import EVENT_COUNT, seed_database  # noqa: E402

HOST = "127.0.0.1"
# Every app server gets the same base URL whatever port it listens on: pages and feeds print
# absolute addresses (the feed link in every page's head, a feed's event URLs), and the bytes
# must be the same in every server for the comparison with the captured reference to hold.
BASE_URL = "http://127.0.0.1:8000"
EVENT_CARD = b'class="card event-card'
VEVENT = b"BEGIN:VEVENT\r\n"
HTML_TYPE = "text/html; charset=utf-8"
FEED_TYPE = "text/calendar; charset=utf-8"
# The production default, set explicitly: a feed of 1,000 events must not be cut by the count.
FEED_MAX_EVENTS = 1000
FEED_EVENTS = 1000
STARTUP_TIMEOUT = 30.0
# Other work on the machine during a run, in cores, above which the run is flagged as unreliable.
BUSY_MACHINE = 0.15
# Below this share of its core the server was waiting for the load generator, not working:
# the rate then measures the client.
SATURATED_SERVER = 0.9


@dataclass(frozen=True)
class Row:
    """One line of the report: a server (bare, or the app with the page cache on or off) asked
    for one path of a database holding `events` live events, and the row it is compared with."""

    name: str
    group: str  # what --only selects: html or feed
    server: str  # bare, cached or uncached
    path: str
    events: int
    bare: str | None = None  # the row this one is a share of
    target: float | None = None  # the least share of it that meets the target

    @property
    def body_key(self) -> tuple[str, int]:
        """Rows with the same key serve the same bytes: one reference per key."""
        return self.path, self.events

    @property
    def is_feed(self) -> bool:
        return self.path.endswith(".ics")


ROWS = (
    Row("bare", "html", "bare", "/events", EVENT_COUNT),
    Row("cached", "html", "cached", "/events", EVENT_COUNT, "bare", 0.85),
    Row("uncached", "html", "uncached", "/events", EVENT_COUNT, "bare", 0.03),
    Row("bare-feed-50", "feed", "bare", "/events.ics", EVENT_COUNT),
    Row("feed-50", "feed", "cached", "/events.ics", EVENT_COUNT, "bare-feed-50", 0.85),
    Row("bare-feed-1000", "feed", "bare", "/events.ics", FEED_EVENTS),
    Row("feed-1000", "feed", "cached", "/events.ics", FEED_EVENTS, "bare-feed-1000", 0.85),
)
GROUPS = ("html", "feed")


@dataclass
class Measurement:
    rps: float
    p50_ms: float | None = None
    p99_ms: float | None = None
    server_cores: float | None = None  # CPU the server used during the run (1.0 = one core)
    foreign_cores: float | None = None  # CPU used by anything other than this benchmark


@dataclass
class Series:
    row: Row
    runs: list[Measurement] = field(default_factory=list)

    @property
    def values(self) -> list[float]:
        return [run.rps for run in self.runs]

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def spread(self) -> float:
        """(max - min) / median: how far apart the repeated runs landed."""
        return (max(self.values) - min(self.values)) / self.median if self.median else 0.0


@dataclass
class Options:
    duration: float
    runs: int
    warmup: float
    connections: int
    tool: str
    strict: bool
    json_path: Path | None
    quiet_wait: float = 0.0
    only: str = "all"
    rebuild_repeats: int = 20
    import_events: int = 16_000
    soak_minutes: float = 10.0
    timing_pairs: int = 40
    quick: bool = False

    @property
    def rows(self) -> tuple[Row, ...]:
        return tuple(row for row in ROWS if self.only in ("all", row.group))


# --- machine -------------------------------------------------------------------------------


def cpu_plan() -> tuple[int | None, int | None]:
    """CPUs for (server, load generator): one each when there are two or more, so that the
    client never steals the server's core and every figure means "one core"."""
    if not hasattr(os, "sched_getaffinity") or not shutil.which("taskset"):
        return None, None  # not Linux: run unpinned
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return None, None
    return cpus[0], cpus[1]


def pinned(cpu: int | None) -> list[str]:
    return ["taskset", "-c", str(cpu)] if cpu is not None else []


@dataclass(frozen=True)
class CpuSample:
    """Cumulative CPU seconds: the whole machine, the server, our children, ourselves."""

    wall: float
    machine: float
    server: float
    children: float
    own: float


_TICK = os.sysconf("SC_CLK_TCK")


def cpu_sample(server_pid: int) -> CpuSample | None:
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        # After the ")" closing the command name: utime and stime are the 12th and 13th fields.
        stat = Path(f"/proc/{server_pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    idle = fields[3] + fields[4]  # idle + iowait; steal counts as busy: someone else ran
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = resource.getrusage(resource.RUSAGE_SELF)
    return CpuSample(
        wall=time.monotonic(),
        machine=(sum(fields[:8]) - idle) / _TICK,
        server=(int(stat[11]) + int(stat[12])) / _TICK,
        children=children.ru_utime + children.ru_stime,
        own=own.ru_utime + own.ru_stime,
    )


def cpu_usage(before: CpuSample | None, after: CpuSample | None) -> tuple[float, float] | None:
    """(server cores, foreign cores) between two samples. Foreign is what neither the server,
    the load generator (a reaped child) nor this script used: other people's work, which
    makes the figures unreliable on a shared machine."""
    if before is None or after is None or after.wall <= before.wall:
        return None
    wall = after.wall - before.wall
    server = after.server - before.server
    ours = server + (after.children - before.children) + (after.own - before.own)
    return server / wall, max(0.0, (after.machine - before.machine - ours) / wall)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def uvicorn_flags() -> list[str]:
    """The event loop and HTTP parser uvicorn picks by itself (uvicorn[standard] installs the
    fast ones), for the report."""
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    return ["--loop", loop, "--http", http]


# --- servers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes


def http_get(port: int, path: str, timeout: float = 10.0) -> Answer:
    # http.client rather than urllib: no proxy from the environment can get in the way.
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return Answer(response.status, response.getheader("content-type", ""), response.read())
    finally:
        connection.close()


@dataclass(frozen=True)
class Setup:
    """What a server needs besides its row: the database for the row's event count and the
    file holding the reference bytes for the bare app."""

    database_url: str
    body_file: Path


def app_env(row: Row, setup: Setup) -> dict[str, str]:
    # Start from a clean slate: an EVENTS_* variable from the caller's shell must not change
    # what is measured.
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVENTS_")}
    if row.server == "bare":
        env["BENCH_BODY_FILE"] = str(setup.body_file)
        env["BENCH_PATH"] = row.path
        env["BENCH_MEDIA_TYPE"] = "text/calendar" if row.is_feed else "text/html"
        return env
    env.update(
        EVENTS_DATABASE_URL=setup.database_url,
        EVENTS_ENV="production",
        EVENTS_SECRET_KEY=secrets.token_urlsafe(48),
        EVENTS_ALLOWED_HOSTS=json.dumps([HOST]),
        EVENTS_BASE_URL=BASE_URL,
        EVENTS_PAGE_SIZE=str(EVENT_COUNT),
        EVENTS_FEED_MAX_EVENTS=str(FEED_MAX_EVENTS),
        EVENTS_PAGE_CACHE="true" if row.server == "cached" else "false",
        EVENTS_LOG_LEVEL="warning",
        # As deployed (README, Email delivery): the outbox is sent by `events-app worker`,
        # not by a thread sharing the web server's core.
        EVENTS_MAIL_IN_PROCESS="false",
    )
    return env


def server_command(server: str, port: int, pin: list[str]) -> list[str]:
    """The events app as docs/operators/deployment.md runs it: `events-app serve`, which lets
    uvicorn pick uvloop and httptools when installed, logs no request and sends no `server`
    header. The bare app under uvicorn with those same three choices."""
    if server != "bare":
        return [*pin, sys.executable, "-m", "events_app", "serve", "--host", HOST,
                "--port", str(port)]  # fmt: skip
    return [
        *pin, sys.executable, "-m", "uvicorn", "bare_app:create_app", "--app-dir",
        str(BENCH_DIR), "--factory", "--host", HOST, "--port", str(port), "--no-access-log",
        "--no-server-header", "--log-level", "warning",
    ]  # fmt: skip


def wait_until_ready(process: subprocess.Popen[bytes], port: int, path: str) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with code {process.returncode} during start-up")
        try:
            # The first GET of a feed of 1,000 events builds it: well under a second, but give
            # a busy machine room rather than asking again while it builds.
            http_get(port, path, timeout=10.0)
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server on port {port} not ready after {STARTUP_TIMEOUT:.0f} s")


@dataclass(frozen=True)
class Server:
    row: Row
    port: int
    pid: int


@contextmanager
def running_server(row: Row, setup: Setup, pin: list[str]) -> Iterator[Server]:
    port = free_port()
    process = subprocess.Popen(
        server_command(row.server, port, pin), cwd=PROJECT_ROOT, env=app_env(row, setup)
    )
    try:
        wait_until_ready(process, port, row.path)
        yield Server(row, port, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def check_answer(label: str, row: Row, port: int, reference: bytes | None) -> bytes:
    """Refuse to measure a server that does not serve the full listing or feed: a fast 404, an
    empty page or a short feed would make any ratio meaningless."""
    answer = http_get(port, row.path)
    what = f"{label}: GET {row.path}"
    if answer.status != 200:
        raise RuntimeError(f"{what} returned {answer.status}")
    content_type = FEED_TYPE if row.is_feed else HTML_TYPE
    if answer.content_type != content_type:
        raise RuntimeError(f"{what} is {answer.content_type!r}, expected {content_type!r}")
    marker, unit = (VEVENT, "VEVENTs") if row.is_feed else (EVENT_CARD, "event cards")
    found = answer.body.count(marker)
    if found != row.events:
        raise RuntimeError(f"{what} holds {found} {unit}, expected {row.events}")
    if reference is not None and answer.body != reference:
        raise RuntimeError(
            f"{what} differs from the reference bytes: {first_difference(answer.body, reference)}"
        )
    return answer.body


def first_difference(body: bytes, reference: bytes) -> str:
    at = next(
        (i for i, (a, b) in enumerate(zip(body, reference, strict=False)) if a != b),
        min(len(body), len(reference)),
    )
    start = max(0, at - 80)
    return (
        f"{len(body)} bytes against {len(reference)}, first at byte {at}:\n"
        f"  got       {body[start : at + 80]!r}\n  reference {reference[start : at + 80]!r}"
    )


# --- load ----------------------------------------------------------------------------------

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _latency_ms(output: str, percentile: str) -> float | None:
    match = re.search(rf"^\s*{percentile}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    return float(match.group(1)) * _UNITS_MS[match.group(2)] if match else None


def parse_wrk(output: str) -> Measurement:
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if not match:
        raise RuntimeError(f"could not read wrk output:\n{output}")
    # Any failed request means the server was not doing the work we think it was.
    for problem in ("Non-2xx or 3xx responses", "Socket errors"):
        if problem in output:
            raise RuntimeError(f"wrk reported problems:\n{output}")
    return Measurement(
        rps=float(match.group(1)),
        p50_ms=_latency_ms(output, "50"),
        p99_ms=_latency_ms(output, "99"),
    )


def wrk_load(url: str, seconds: float, connections: int, pin: list[str]) -> Measurement:
    command = [
        *pin, "wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s",
        "--timeout", "10s", "--latency", url,
    ]  # fmt: skip
    result = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=seconds + 30
    )
    return parse_wrk(result.stdout)


def python_load(url: str, seconds: float, connections: int, pin: list[str]) -> Measurement:
    command = [
        *pin, sys.executable, str(BENCH_DIR / "loadgen.py"), url,
        "--connections", str(connections), "--duration", str(seconds),
    ]  # fmt: skip
    result = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=seconds + 30
    )
    data = json.loads(result.stdout)
    if data["errors"]:
        raise RuntimeError(f"loadgen: {data['errors']} failed requests")
    return Measurement(rps=data["requests"] / data["seconds"])


def choose_tool(requested: str) -> str:
    if requested == "auto":
        return "wrk" if shutil.which("wrk") else "python"
    if requested == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk), use --tool python")
    return requested


def wait_for_quiet(server_pid: int, budget: float) -> None:
    """On a shared machine, give other people's work up to `budget` seconds to calm down
    before a run (the server is idle, so any CPU in use is someone else's)."""
    deadline = time.monotonic() + budget
    while time.monotonic() < deadline:
        before = cpu_sample(server_pid)
        time.sleep(0.5)
        usage = cpu_usage(before, cpu_sample(server_pid))
        if usage is None or usage[1] <= BUSY_MACHINE:
            return
    print(f"  (machine still busy after waiting {budget:g} s; measuring anyway)", flush=True)


def measure(server: Server, options: Options, pin: list[str]) -> Measurement:
    load = wrk_load if options.tool == "wrk" else python_load
    url = f"http://{HOST}:{server.port}{server.row.path}"
    if options.quiet_wait > 0:
        wait_for_quiet(server.pid, options.quiet_wait)
    if options.warmup > 0:
        # Warm-up: first renders compile templates, fill pools and (cached) store the page.
        load(url, options.warmup, options.connections, pin)
    before = cpu_sample(server.pid)
    result = load(url, options.duration, options.connections, pin)
    usage = cpu_usage(before, cpu_sample(server.pid))
    if usage is not None:
        result.server_cores, result.foreign_cores = usage
    return result


# --- the run -------------------------------------------------------------------------------


def round_orders(rows: tuple[Row, ...], runs: int) -> list[tuple[Row, ...]]:
    """bare, cached, uncached, bare-feed-50, ... then the reverse, and so on: a slow drift of
    the machine hits every row alike instead of one, each app row sits next to its bare row,
    and the first bare row comes first and (for odd counts) last."""
    return [rows if i % 2 == 0 else tuple(reversed(rows)) for i in range(runs)]


def describe(result: Measurement) -> str:
    text = f"{result.rps:>10.1f} req/s"
    if result.p50_ms is not None and result.p99_ms is not None:
        text += f"  p50 {result.p50_ms:.2f} ms  p99 {result.p99_ms:.2f} ms"
    if result.server_cores is not None and result.foreign_cores is not None:
        text += f"  server CPU {result.server_cores:.0%}"
        if result.foreign_cores > BUSY_MACHINE:
            text += f"  (other work on the machine: {result.foreign_cores:.2f} cores)"
    return text


def capture_references(
    rows: tuple[Row, ...], workdir: Path, pin: list[str]
) -> tuple[dict[tuple[str, int], Setup], dict[tuple[str, int], bytes]]:
    """Seed one database per event count, then fetch each distinct page or feed once from the
    app as deployed: the bytes every server must then serve, the bare app byte for byte."""
    now = datetime.now(UTC)
    databases: dict[int, str] = {}
    for count in sorted({row.events for row in rows}):
        databases[count] = f"sqlite:///{workdir / f'bench-{count}.db'}"
        print(f"seeding {count} live events into {databases[count]}", flush=True)
        seed_database(databases[count], now, count=count)
    setups: dict[tuple[str, int], Setup] = {}
    references: dict[tuple[str, int], bytes] = {}
    for row in rows:
        if row.body_key in setups:
            continue
        path, count = row.body_key
        suffix = "ics" if row.is_feed else "html"
        setup = Setup(databases[count], workdir / f"reference-{count}.{suffix}")
        probe = Row(f"reference {path} ({count})", row.group, "cached", path, count)
        with running_server(probe, setup, pin) as server:
            body = check_answer(probe.name, probe, server.port, None)
        setup.body_file.write_bytes(body)
        setups[row.body_key], references[row.body_key] = setup, body
        print(f"{path} with {count} events: {len(body):,} bytes", flush=True)
    return setups, references


def run_benchmark(options: Options, workdir: Path) -> dict[str, Series]:
    server_cpu, load_cpu = cpu_plan()
    server_pin, load_pin = pinned(server_cpu), pinned(load_cpu)
    rows = options.rows
    setups, references = capture_references(rows, workdir, server_pin)

    series = {row.name: Series(row) for row in rows}
    width = max(len(row.name) for row in rows)
    for number, order in enumerate(round_orders(rows, options.runs), start=1):
        for row in order:
            with running_server(row, setups[row.body_key], server_pin) as server:
                check_answer(row.name, row, server.port, references[row.body_key])
                result = measure(server, options, load_pin)
            series[row.name].runs.append(result)
            print(f"  run {number}/{options.runs} {row.name:<{width}} {describe(result)}",
                  flush=True)  # fmt: skip
    return series


def run_rebuild(options: Options, workdir: Path) -> dict[str, Any] | None:
    """bench/feed_rebuild.py in its own process, pinned to the server's CPU. A failure there
    raises CalledProcessError once its own output has said why."""
    if options.only in ("html", "soak") or options.rebuild_repeats < 1:
        return None
    server_cpu, _load_cpu = cpu_plan()
    json_path = workdir / "feed-rebuild.json"
    print(f"\nfeed rebuild after one change ({options.rebuild_repeats} changes):", flush=True)
    command = [
        *pinned(server_cpu), sys.executable, str(BENCH_DIR / "feed_rebuild.py"),
        "--repeats", str(options.rebuild_repeats), "--json", str(json_path),
        "--quiet-wait", str(options.quiet_wait),
    ]  # fmt: skip
    subprocess.run(command, cwd=PROJECT_ROOT, check=True, timeout=600)
    result: dict[str, Any] = json.loads(json_path.read_text())
    return result


def run_import_speed(options: Options, workdir: Path) -> dict[str, Any] | None:
    """bench/import_speed.py in its own process, pinned like the rebuild."""
    if options.only != "all" or options.import_events < 1:
        return None
    server_cpu, _load_cpu = cpu_plan()
    json_path = workdir / "import-speed.json"
    print(f"\nimport of {options.import_events:,} events into SQLite:", flush=True)
    command = [
        *pinned(server_cpu), sys.executable, str(BENCH_DIR / "import_speed.py"),
        "--events", str(options.import_events), "--json", str(json_path),
    ]  # fmt: skip
    subprocess.run(command, cwd=PROJECT_ROOT, check=True, timeout=600)
    result: dict[str, Any] = json.loads(json_path.read_text())
    return result


def report_import(result: dict[str, Any] | None, failed: bool) -> bool:
    if failed:
        print("import speed: FAILED, no figure")
        return False
    if result is None:
        return True
    speed = result["results"]["import"]["events_per_s"]
    verdict = "PASS" if result["target_met"] else "FAIL"
    print(f"import of {result['events']:,} events: {speed:,.0f} events/s "
          f"({result['import_of_baseline']:.1%} of raw executemany), "
          f"target >= {result['target_events_per_s']:,.0f}/s: {verdict}")  # fmt: skip
    return bool(result["target_met"])


# With the answer floor on, a known address may answer at most this far from a new one.
TIMING_RATIO_LIMITS = (0.9, 1.1)


def run_timing(options: Options, workdir: Path) -> bool:
    """bench/registration_timing.py in its own process: can a stopwatch tell a registered
    address from a new one? True when, with the answer floor on, it cannot (ratio of medians
    within TIMING_RATIO_LIMITS)."""
    if options.only == "feed" or options.timing_pairs < 1:
        return True
    json_path = workdir / "registration-timing.json"
    print(f"\nregistration timing ({options.timing_pairs} pairs):", flush=True)
    command = [
        sys.executable, str(BENCH_DIR / "registration_timing.py"),
        "--pairs", str(options.timing_pairs), "--json", str(json_path),
    ]  # fmt: skip
    subprocess.run(command, cwd=PROJECT_ROOT, check=True, timeout=600)
    floored = json.loads(json_path.read_text())[-1]
    low, high = TIMING_RATIO_LIMITS
    met = low <= floored["ratio_new_over_known"] <= high
    print(f"registration timing with the floor: ratio {floored['ratio_new_over_known']:.3f}, "
          f"target {low:g} to {high:g}: {'PASS' if met else 'FAIL'}")  # fmt: skip
    return met


def ratio(series: dict[str, Series], name: str) -> float:
    bare_row = series[name].row.bare
    bare = series[bare_row].median if bare_row in series else 0.0
    return series[name].median / bare if bare else 0.0


def bare_drifts(series: dict[str, Series]) -> dict[str, float]:
    """For each bare row: how far its last run landed from its first."""
    drifts = {}
    for name, s in series.items():
        first, last = s.values[0], s.values[-1]
        if s.row.server == "bare":
            drifts[name] = (last - first) / first if len(s.values) > 1 and first else 0.0
    return drifts


def busy_runs(series: dict[str, Series]) -> int:
    return sum(
        1
        for s in series.values()
        for run in s.runs
        if run.foreign_cores is not None and run.foreign_cores > BUSY_MACHINE
    )


def unsaturated_runs(series: dict[str, Series]) -> int:
    return sum(
        1
        for s in series.values()
        for run in s.runs
        if run.server_cores is not None and run.server_cores < SATURATED_SERVER
    )


def targets_met(series: dict[str, Series]) -> dict[str, bool]:
    return {
        name: ratio(series, name) >= s.row.target
        for name, s in series.items()
        if s.row.target is not None
    }


def report(
    series: dict[str, Series], rebuild: dict[str, Any] | None, rebuild_failed: bool = False
) -> bool:
    width = max(10, *(len(name) + 2 for name in series))
    print()
    print(f"{'':<{width}}{'req/s (median)':>16}{'min':>10}{'max':>10}{'spread':>9}"
          f"{'of bare':>10}{'target':>9}  result")  # fmt: skip
    met = targets_met(series)
    for name, s in series.items():
        line = (f"{name:<{width}}{s.median:>16.1f}{min(s.values):>10.1f}{max(s.values):>10.1f}"
                f"{s.spread:>8.1%}")  # fmt: skip
        if s.row.target is not None:
            verdict = "PASS" if met[name] else "FAIL"
            line += f"{ratio(series, name):>10.2%}{s.row.target:>9.0%}  {verdict}"
        print(line)
    print("(each app row as a share of the bare row above it, which serves the same bytes)")
    drifts = ", ".join(f"{name} {drift:+.1%}" for name, drift in bare_drifts(series).items())
    print(f"\nbare drift, first run to last: {drifts}")
    if busy := busy_runs(series):
        print(f"WARNING: other processes used more than {BUSY_MACHINE} cores during {busy} "
              "run(s); these figures are not reliable, run again on a quiet machine")  # fmt: skip
    if idle := unsaturated_runs(series):
        print(f"WARNING: in {idle} run(s) the server used less than {SATURATED_SERVER:.0%} of its "
              "core: the load generator (or other work) was the limit, not the server")  # fmt: skip
    all_met = all(met.values())
    if rebuild is not None:
        median = rebuild["results"]["rebuild"]["median_ms"]
        verdict = "PASS" if rebuild["target_met"] else "FAIL"
        print(f"feed rebuild after one change: {median:.1f} ms (median), "
              f"target <= {rebuild['target_ms']:g} ms: {verdict}")  # fmt: skip
        all_met &= bool(rebuild["target_met"])
    if rebuild_failed:
        print("feed rebuild after one change: FAILED, no figure")
        all_met = False
    return all_met


def machine_info(options: Options) -> dict[str, object]:
    server_cpu, load_cpu = cpu_plan()
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model(),
        "python": platform.python_version(),
        "uvicorn_flags": uvicorn_flags(),
        "server_cpu": server_cpu,
        "load_cpu": load_cpu,
        "tool": options.tool,
        "connections": options.connections,
        "duration_s": options.duration,
        "warmup_s": options.warmup,
        "runs": options.runs,
        "only": options.only,
    }


def write_json(
    path: Path,
    series: dict[str, Series],
    rebuild: dict[str, Any] | None,
    options: Options,
    met: bool,
) -> None:
    data = {
        "machine": machine_info(options),
        "results": {
            name: {
                "path": s.row.path,
                "events": s.row.events,
                "median_rps": s.median,
                "spread": s.spread,
                "runs": [asdict(r) for r in s.runs],
            }
            for name, s in series.items()
        },
        "ratios": {name: ratio(series, name) for name in targets_met(series)},
        "targets": {name: s.row.target for name, s in series.items() if s.row.target},
        "compared_with": {name: s.row.bare for name, s in series.items() if s.row.bare},
        "targets_met": met,
        "bare_drift": bare_drifts(series),
        "busy_runs": busy_runs(series),
        "unsaturated_runs": unsaturated_runs(series),
        "feed_rebuild": rebuild,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")
    print(f"results written to {path}")


def parse_args(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per run (5)")
    parser.add_argument("--runs", type=int, default=3, help="runs per server, median kept (3)")
    parser.add_argument("--warmup", type=float, default=1.0, help="warm-up seconds per run (1)")
    parser.add_argument("--connections", type=int, default=16, help="open connections (16)")
    parser.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument(
        "--only", choices=[*GROUPS, "deployed", "soak", "all"], default="all",
        help="the /events page, the /events.ics feed (with the rebuild), issue 11's table "
        "(bench/deployed.py), the soak, or all",
    )  # fmt: skip
    parser.add_argument(
        "--soak-minutes", type=float, default=10.0, metavar="MINUTES",
        help="soak per database, bench/soak.py --minutes (10); 0 skips it",
    )  # fmt: skip
    parser.add_argument(
        "--rebuild-repeats", type=int, default=20, metavar="N",
        help="changes timed by bench/feed_rebuild.py (20); 0 skips it",
    )  # fmt: skip
    parser.add_argument(
        "--import-events", type=int, default=16_000, metavar="N",
        help="events imported by bench/import_speed.py (16000; not with --only); 0 skips it",
    )  # fmt: skip
    parser.add_argument(
        "--timing-pairs", type=int, default=40, metavar="N",
        help="new/known address pairs timed by bench/registration_timing.py (40); 0 skips it",
    )  # fmt: skip
    parser.add_argument(
        "--quick", action="store_true",
        help="every step briefly (1 run of 2 s, small rebuild, import and timing, no soak): "
        "for development on a shared machine, indications only",
    )  # fmt: skip
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--json", type=Path, dest="json_path", help="also write results here")
    parser.add_argument(
        "--quiet-wait", type=float, default=0.0, metavar="SECONDS",
        help="before each run, wait up to this long for other work on the machine to stop (0)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.runs, args.warmup = 2.0, 1, 0.5
        args.rebuild_repeats, args.import_events = min(args.rebuild_repeats, 5), 2000
        args.timing_pairs, args.soak_minutes = min(args.timing_pairs, 10), 0.0
    if args.runs < 1 or args.duration <= 0 or args.connections < 1:
        parser.error("--runs, --duration and --connections must be positive")
    if args.warmup < 0 or args.quiet_wait < 0 or args.rebuild_repeats < 0 or args.soak_minutes < 0:
        parser.error(
            "--warmup, --quiet-wait, --rebuild-repeats and --soak-minutes cannot be negative"
        )
    return Options(
        duration=args.duration, runs=args.runs, warmup=args.warmup,
        connections=args.connections, tool=choose_tool(args.tool), strict=args.strict,
        json_path=args.json_path, quiet_wait=args.quiet_wait, only=args.only,
        rebuild_repeats=args.rebuild_repeats, import_events=args.import_events,
        soak_minutes=args.soak_minutes, timing_pairs=args.timing_pairs, quick=args.quick,
    )  # fmt: skip


def run_soak(options: Options, workdir: Path) -> bool:
    """bench/soak.py in its own process (with --json next to ours, if asked); whether it met
    its goal. A failure there raises CalledProcessError once its own output has said why."""
    json_path = workdir / "soak.json"
    command = [sys.executable, str(BENCH_DIR / "soak.py"), "--minutes",
               str(options.soak_minutes), "--json", str(json_path)]  # fmt: skip
    timeout = options.soak_minutes * 60 * 2 + 300  # two databases, plus start-up and seeding
    subprocess.run(command, cwd=PROJECT_ROOT, check=True, timeout=timeout)
    if options.json_path:
        options.json_path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(json_path, options.json_path.with_suffix(".soak.json"))
    results: dict[str, Any] = json.loads(json_path.read_text())
    return all(result["goal_met"] for result in results.values())


def soak_step(options: Options, workdir: Path) -> tuple[bool, bool]:
    """(goal met, broken) for the soak, when this run includes it."""
    if options.only not in ("soak", "all") or options.soak_minutes == 0:
        return True, False
    try:
        return run_soak(options, workdir), False
    except subprocess.CalledProcessError as error:
        print(f"soak FAILED (exit code {error.returncode}), see above", flush=True)
        return False, True


def run_deployed(options: Options) -> None:
    """bench/deployed.py (issue 11's table) in its own process: it prints each row with its
    bare value, ratio, goal and PASS or BELOW GOAL."""
    if options.only not in ("deployed", "all"):
        return
    command = [sys.executable, str(BENCH_DIR / "deployed.py"), "--tool", options.tool,
               "--connections", str(options.connections)]  # fmt: skip
    command += ["--quick"] if options.quick else ["--duration", str(options.duration),
                                                  "--runs", str(options.runs)]  # fmt: skip
    if options.json_path:
        command += ["--json", str(options.json_path.with_suffix(".deployed.json"))]
    print("\nissue 11's table, as deployed (bench/deployed.py):", flush=True)
    subprocess.run(command, cwd=PROJECT_ROOT, check=True, timeout=3600)


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    if options.only == "deployed":
        run_deployed(options)
        return 0
    if options.only == "soak":
        with tempfile.TemporaryDirectory(prefix="events-bench-") as workdir:
            soak_met, soak_failed = soak_step(options, Path(workdir))
        return 1 if soak_failed or (options.strict and not soak_met) else 0
    server_cpu, load_cpu = cpu_plan()
    pins = (f"server on CPU {server_cpu}, load on CPU {load_cpu}" if server_cpu is not None
            else "not pinned (needs taskset and two CPUs)")  # fmt: skip
    print(f"load: {options.tool}, {options.connections} connections, {options.runs} x "
          f"{options.duration:g} s; {pins}; uvicorn {' '.join(uvicorn_flags())}")  # fmt: skip
    rebuild_failed = False
    with tempfile.TemporaryDirectory(prefix="events-bench-") as workdir:
        series = run_benchmark(options, Path(workdir))
        try:
            rebuild = run_rebuild(options, Path(workdir))
        except subprocess.CalledProcessError as error:
            # Keep the HTTP figures: report them, then fail as anything broken does.
            print(f"feed rebuild FAILED (exit code {error.returncode}), see above", flush=True)
            rebuild, rebuild_failed = None, True
        import_failed = False
        try:
            import_speed = run_import_speed(options, Path(workdir))
        except subprocess.CalledProcessError as error:
            print(f"import speed FAILED (exit code {error.returncode}), see above", flush=True)
            import_speed, import_failed = None, True
        timing_met = run_timing(options, Path(workdir))
        run_deployed(options)
        soak_met, soak_failed = soak_step(options, Path(workdir))
    met = report(series, rebuild, rebuild_failed) and timing_met
    met = report_import(import_speed, import_failed) and met
    met &= soak_met
    print(f"targets: {'all met' if met else 'NOT MET'}")
    if options.json_path:
        write_json(options.json_path, series, rebuild, options, met)
        data = json.loads(options.json_path.read_text())
        data["import_speed"] = import_speed
        options.json_path.write_text(json.dumps(data, indent=2) + "\n")
    failed = rebuild_failed or import_failed or soak_failed
    return 1 if failed or (options.strict and not met) else 0


if __name__ == "__main__":
    sys.exit(main())
