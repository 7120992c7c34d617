"""`make bench`: requests per second for /events with 50 live events, against a bare Starlette
endpoint that returns the same bytes, in the same run.

Three single-process uvicorn servers are measured one at a time on 127.0.0.1:
  bare      bench/bare_app.py, returning the captured /events page as a constant
  cached    the events app as deployed (page cache on)
  uncached  the events app with EVENTS_PAGE_CACHE=false: every request renders from SQLite
Targets: cached >= 85% of bare, uncached >= 3% of bare. See bench/README.md for the method.
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

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
sys.path.insert(0, str(PROJECT_ROOT))  # `python bench/run.py` from anywhere

from bench.seed import EVENT_COUNT, seed_database  # noqa: E402

HOST = "127.0.0.1"
PATH = "/events"
EVENT_CARD = b'class="card event-card'
TARGETS = {"cached": 0.85, "uncached": 0.03}
KINDS = ("bare", "cached", "uncached")
STARTUP_TIMEOUT = 30.0
# Other work on the machine during a run, in cores, above which the run is flagged as unreliable.
BUSY_MACHINE = 0.15
# Below this share of its core the server was waiting for the load generator, not working:
# the rate then measures the client.
SATURATED_SERVER = 0.9


@dataclass
class Measurement:
    rps: float
    p50_ms: float | None = None
    p99_ms: float | None = None
    server_cores: float | None = None  # CPU the server used during the run (1.0 = one core)
    foreign_cores: float | None = None  # CPU used by anything other than this benchmark


@dataclass
class Series:
    kind: str
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
    """The fast event loop and HTTP parser when installed (uvicorn[standard]), as in production."""
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    return ["--loop", loop, "--http", http]


# --- servers -------------------------------------------------------------------------------


def http_get(port: int, path: str = PATH, timeout: float = 5.0) -> tuple[int, bytes]:
    # http.client rather than urllib: no proxy from the environment can get in the way.
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def app_env(kind: str, port: int, database_url: str, body_file: Path) -> dict[str, str]:
    # Start from a clean slate: an EVENTS_* variable from the caller's shell must not change
    # what is measured.
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVENTS_")}
    if kind == "bare":
        env["BENCH_BODY_FILE"] = str(body_file)
        return env
    env.update(
        EVENTS_DATABASE_URL=database_url,
        EVENTS_ENV="production",
        EVENTS_SECRET_KEY=secrets.token_urlsafe(48),
        EVENTS_ALLOWED_HOSTS=json.dumps([HOST]),
        EVENTS_BASE_URL=f"http://{HOST}:{port}",
        EVENTS_PAGE_SIZE=str(EVENT_COUNT),
        EVENTS_PAGE_CACHE="true" if kind == "cached" else "false",
        EVENTS_LOG_LEVEL="warning",
        # As deployed (README, Email delivery): the outbox is sent by `events-app worker`,
        # not by a thread sharing the web server's core.
        EVENTS_MAIL_IN_PROCESS="false",
    )
    return env


def server_command(kind: str, port: int, pin: list[str]) -> list[str]:
    if kind == "bare":
        target = ["bare_app:create_app", "--app-dir", str(BENCH_DIR)]
    else:
        target = ["events_app.app:build_app"]
    return [
        *pin, sys.executable, "-m", "uvicorn", *target, "--factory",
        "--host", HOST, "--port", str(port), "--no-access-log", "--log-level", "warning",
        "--no-server-header", *uvicorn_flags(),
    ]  # fmt: skip


def wait_until_ready(process: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with code {process.returncode} during start-up")
        try:
            http_get(port, timeout=2.0)
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server on port {port} not ready after {STARTUP_TIMEOUT:.0f} s")


@dataclass(frozen=True)
class Server:
    kind: str
    port: int
    pid: int


@contextmanager
def running_server(
    kind: str, database_url: str, body_file: Path, pin: list[str]
) -> Iterator[Server]:
    port = free_port()
    process = subprocess.Popen(
        server_command(kind, port, pin),
        cwd=PROJECT_ROOT,
        env=app_env(kind, port, database_url, body_file),
    )
    try:
        wait_until_ready(process, port)
        yield Server(kind, port, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def check_page(kind: str, port: int, reference: bytes | None) -> bytes:
    """Refuse to measure a server that does not serve the full listing: a fast 404 or an
    empty page would make any ratio meaningless."""
    status, body = http_get(port)
    if status != 200:
        raise RuntimeError(f"{kind}: GET {PATH} returned {status}")
    cards = body.count(EVENT_CARD)
    if cards != EVENT_COUNT:
        raise RuntimeError(f"{kind}: GET {PATH} shows {cards} events, expected {EVENT_COUNT}")
    if reference is not None and body != reference:
        raise RuntimeError(f"{kind}: GET {PATH} differs from the reference page")
    return body


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
    url = f"http://{HOST}:{server.port}{PATH}"
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


def round_orders(runs: int) -> list[tuple[str, ...]]:
    """bare, cached, uncached, then the reverse, and so on: a slow drift of the machine hits
    every kind alike instead of one, and bare comes first and (for odd counts) last."""
    return [KINDS if i % 2 == 0 else tuple(reversed(KINDS)) for i in range(runs)]


def describe(result: Measurement) -> str:
    text = f"{result.rps:>10.1f} req/s"
    if result.p50_ms is not None and result.p99_ms is not None:
        text += f"  p50 {result.p50_ms:.2f} ms  p99 {result.p99_ms:.2f} ms"
    if result.server_cores is not None and result.foreign_cores is not None:
        text += f"  server CPU {result.server_cores:.0%}"
        if result.foreign_cores > BUSY_MACHINE:
            text += f"  (other work on the machine: {result.foreign_cores:.2f} cores)"
    return text


def run_benchmark(options: Options, workdir: Path) -> dict[str, Series]:
    server_cpu, load_cpu = cpu_plan()
    server_pin, load_pin = pinned(server_cpu), pinned(load_cpu)
    database_url = f"sqlite:///{workdir / 'bench.db'}"
    body_file = workdir / "events.html"
    print(f"seeding {EVENT_COUNT} live events into {database_url}", flush=True)
    seed_database(database_url, datetime.now(UTC))

    # The reference page, which the bare app then returns byte for byte.
    with running_server("cached", database_url, body_file, server_pin) as server:
        reference = check_page("reference", server.port, None)
    body_file.write_bytes(reference)
    print(f"/events page: {len(reference)} bytes, {EVENT_COUNT} events", flush=True)

    series = {kind: Series(kind) for kind in KINDS}
    for number, order in enumerate(round_orders(options.runs), start=1):
        for kind in order:
            with running_server(kind, database_url, body_file, server_pin) as server:
                check_page(kind, server.port, reference)
                result = measure(server, options, load_pin)
            series[kind].runs.append(result)
            print(f"  run {number}/{options.runs} {kind:<8} {describe(result)}", flush=True)
    return series


def ratio(series: dict[str, Series], kind: str) -> float:
    bare = series["bare"].median
    return series[kind].median / bare if bare else 0.0


def bare_drift(series: dict[str, Series]) -> float:
    values = series["bare"].values
    return (values[-1] - values[0]) / values[0] if len(values) > 1 and values[0] else 0.0


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


def report(series: dict[str, Series]) -> bool:
    print()
    print(f"{'':<10}{'req/s (median)':>16}{'min':>10}{'max':>10}{'spread':>9}"
          f"{'of bare':>10}{'target':>9}  result")  # fmt: skip
    all_met = True
    for kind in KINDS:
        s = series[kind]
        line = (f"{kind:<10}{s.median:>16.1f}{min(s.values):>10.1f}{max(s.values):>10.1f}"
                f"{s.spread:>8.1%}")  # fmt: skip
        if kind in TARGETS:
            met = ratio(series, kind) >= TARGETS[kind]
            all_met &= met
            verdict = "PASS" if met else "FAIL"
            line += f"{ratio(series, kind):>10.2%}{TARGETS[kind]:>9.0%}  {verdict}"
        print(line)
    print(f"\nbare drift, first run to last: {bare_drift(series):+.1%}")
    if busy := busy_runs(series):
        print(f"WARNING: other processes used more than {BUSY_MACHINE} cores during {busy} "
              "run(s); these figures are not reliable, run again on a quiet machine")  # fmt: skip
    if idle := unsaturated_runs(series):
        print(f"WARNING: in {idle} run(s) the server used less than {SATURATED_SERVER:.0%} of its "
              "core: the load generator (or other work) was the limit, not the server")  # fmt: skip
    print(f"targets: {'all met' if all_met else 'NOT MET'}")
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
    }


def write_json(path: Path, series: dict[str, Series], options: Options, met: bool) -> None:
    data = {
        "machine": machine_info(options),
        "results": {
            kind: {"median_rps": s.median, "spread": s.spread, "runs": [asdict(r) for r in s.runs]}
            for kind, s in series.items()
        },
        "ratios": {kind: ratio(series, kind) for kind in TARGETS},
        "targets": TARGETS,
        "targets_met": met,
        "bare_drift": bare_drift(series),
        "busy_runs": busy_runs(series),
        "unsaturated_runs": unsaturated_runs(series),
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
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--json", type=Path, dest="json_path", help="also write results here")
    parser.add_argument(
        "--quiet-wait", type=float, default=0.0, metavar="SECONDS",
        help="before each run, wait up to this long for other work on the machine to stop (0)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.runs < 1 or args.duration <= 0 or args.connections < 1:
        parser.error("--runs, --duration and --connections must be positive")
    if args.warmup < 0 or args.quiet_wait < 0:
        parser.error("--warmup and --quiet-wait cannot be negative")
    return Options(
        duration=args.duration, runs=args.runs, warmup=args.warmup,
        connections=args.connections, tool=choose_tool(args.tool), strict=args.strict,
        json_path=args.json_path, quiet_wait=args.quiet_wait,
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    server_cpu, load_cpu = cpu_plan()
    pins = (f"server on CPU {server_cpu}, load on CPU {load_cpu}" if server_cpu is not None
            else "not pinned (needs taskset and two CPUs)")  # fmt: skip
    print(f"load: {options.tool}, {options.connections} connections, {options.runs} x "
          f"{options.duration:g} s; {pins}; uvicorn {' '.join(uvicorn_flags())}")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="events-bench-") as workdir:
        series = run_benchmark(options, Path(workdir))
    met = report(series)
    if options.json_path:
        write_json(options.json_path, series, options, met)
    return 1 if options.strict and not met else 0


if __name__ == "__main__":
    sys.exit(main())
