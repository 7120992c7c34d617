"""Start the two-node deployment (deploy/cluster.py) on this machine and check, through nginx,
what it promises; exit 1 on any failed check. CI runs it (.ci/run):

  a. 400 registrations at once for 20 seats, spread over both nodes: exactly 20 confirmed
  b. an edit saved against the shared database shows on node B within
     EVENTS_PAGE_CACHE_CHECK_SECONDS
  c. rate limits are shared: one client alternating between the nodes gets the limit in total
  d. SIGKILL of a node under load: every acknowledged registration is stored, and nginx
     routes around the dead node (requests started after the kill all succeed)
  e. a rolling restart (SIGTERM node A, start it, then node B) under load fails no request
  f. the two mail workers send every email all this wrote, none failed

Needs PostgreSQL (--postgres, a role that may create databases), Redis (--redis) and nginx.
"""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # `python deploy/two_node.py` from anywhere

from deploy.cluster import Cluster, fail_timeout, running_cluster  # noqa: E402
from deploy.traffic import (  # noqa: E402
    Load,
    cache_delay,
    event_registrations,
    register_everyone,
    shared_limit_statuses,
    wait_for_outbox,
)
from tests.load.harness import run_async, seed_event  # noqa: E402

SEATS = 20
PEOPLE = 400
CHECK_SECONDS = 2.0
REGISTER_LIMIT = 10  # per client address and hour, for check (c)


class Checks:
    def __init__(self) -> None:
        self.failed: list[str] = []

    def expect(self, name: str, ok: bool, detail: str) -> None:
        print(f"{'PASS' if ok else 'FAIL'} {name}: {detail}", flush=True)
        if not ok:
            self.failed.append(name)


def check_seats(cluster: Cluster, checks: Checks) -> None:
    slug = seed_event(cluster.database_url, capacity=SEATS)
    results = run_async(register_everyone(cluster, slug, PEOPLE))
    registrations = event_registrations(cluster.database_url, slug)
    statuses = [r.status.value for r in registrations]
    served_by = {line.split()[4] for line in cluster.access_log() if "/register" in line}
    checks.expect(
        "a. 400 registrations for 20 seats",
        results.server_errors == 0
        and not results.errors
        and len(registrations) == PEOPLE
        and statuses.count("confirmed") == SEATS
        and statuses.count("waitlisted") == PEOPLE - SEATS
        and len(served_by) == 2,
        f"{statuses.count('confirmed')} confirmed, {statuses.count('waitlisted')} waitlisted "
        f"of {len(registrations)}; {results.summary()}; served by {sorted(served_by)}",
    )


def check_cache(cluster: Cluster, checks: Checks) -> None:
    slug = seed_event(cluster.database_url)
    delay = cache_delay(cluster, slug, cluster.nodes[1].url)
    checks.expect(
        "b. an edit shows on node B",
        delay is not None and delay <= CHECK_SECONDS + 1.0,
        f"after {delay:.2f} s (EVENTS_PAGE_CACHE_CHECK_SECONDS={CHECK_SECONDS:g})"
        if delay is not None
        else "not seen in time, or seen at once (the page was not cached)",
    )


def check_shared_limit(cluster: Cluster, checks: Checks) -> None:
    slug = seed_event(cluster.database_url, capacity=100)
    statuses = run_async(shared_limit_statuses(cluster, slug, REGISTER_LIMIT + 4))
    expected = [303] * REGISTER_LIMIT + [429] * 4
    checks.expect(
        "c. rate limits are shared by the nodes",
        statuses == expected,
        f"alternating A, B, A, ... from one address: {statuses}",
    )


def check_kill(cluster: Cluster, checks: Checks) -> None:
    slug = seed_event(cluster.database_url, capacity=100_000)
    victim = cluster.nodes[1]

    def kill_mid_load() -> float:
        time.sleep(2.0)
        killed_at = time.monotonic()
        victim.kill()
        time.sleep(4.0)
        return killed_at

    load = Load(cluster.proxy_url, slug)
    killed_at = run_async(load.during(kill_mid_load))
    stored = {r.email for r in event_registrations(cluster.database_url, slug)}
    lost = load.acknowledged() - stored
    late_failures = [r for r in load.failures() if r.started > killed_at + 0.5]
    checks.expect(
        "d. SIGKILL of node B under load",
        not lost and not late_failures and load.after(killed_at + 0.5) > 0,
        f"{len(load.acknowledged())} acknowledged, {len(lost)} of them missing; "
        f"{len(load.failures())} failed around the kill, {len(late_failures)} failed "
        f"after it; {load.after(killed_at + 0.5)} requests after the kill; {load.summary()}",
    )
    victim.start()


def check_rolling_restart(cluster: Cluster, checks: Checks) -> None:
    slug = seed_event(cluster.database_url, capacity=100_000)
    stop_times: list[float] = []

    def roll() -> None:
        # The check before (d) killed node B: nginx may still count it failed for
        # fail_timeout, and stopping node A within that window leaves no live node at all
        # (the fresh-clone CI of stop 22 failed so: 60 answers 502, all refused by node B).
        time.sleep(fail_timeout() + 1.0)
        for node in cluster.nodes:
            stop_times.append(node.terminate())
            node.start()
            # nginx marked the node failed while it stopped; stopping the other one before
            # nginx tries this one again would leave it no live node at all.
            time.sleep(fail_timeout() + 1.0)

    load = Load(cluster.proxy_url, slug)
    run_async(load.during(roll))
    stored = {r.email for r in event_registrations(cluster.database_url, slug)}
    lost = load.acknowledged() - stored
    checks.expect(
        "e. rolling restart under load",
        not lost and not load.failures() and load.pages.clean(),
        f"{len(load.failures())} failed, {len(lost)} acknowledged but missing; nodes stopped "
        f"in {', '.join(f'{s:.1f}' for s in stop_times)} s; {load.summary()}",
    )


def print_log_tails(workdir: Path, lines: int = 15) -> None:
    for log in sorted(workdir.rglob("*.log")):
        tail = log.read_text(errors="replace").splitlines()[-lines:]
        if tail:
            print(f"--- {log.relative_to(workdir)} (last {len(tail)} lines)")
            print("\n".join(tail))


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(f"stopped by signal {signum}")  # so that every clean-up still runs


def check_mail(cluster: Cluster, checks: Checks) -> None:
    counts = wait_for_outbox(cluster.database_url, timeout=60.0)
    checks.expect(
        "f. the mail workers send everything",
        counts.get("pending", 0) == 0 and counts.get("failed", 0) == 0,
        f"outbox {counts}",
    )


CHECKS = {
    "a": check_seats,
    "b": check_cache,
    "c": check_shared_limit,
    "d": check_kill,
    "e": check_rolling_restart,
    "f": check_mail,
}


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres",
        help="a PostgreSQL role that may create a scratch database (dropped at the end)",
    )  # fmt: skip
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14", help="a Redis database")
    parser.add_argument("--keep", type=Path, help="keep the logs in this directory")
    parser.add_argument("--checks", default="".join(CHECKS), help="which checks, e.g. ace")
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE",
        help="one more setting for every process (to prove a check can fail, e.g. "
        "EVENTS_REDIS_URL= for per-process rate limits)",
    )  # fmt: skip
    parser.add_argument(
        "--app", metavar="MODULE:FACTORY",
        help="have the nodes serve this uvicorn app factory instead of `events-app serve`'s "
        "(to prove the seat check can fail: tests.support.row_locks:build_app_without_row_locks)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if not set(args.checks) <= set(CHECKS) or any("=" not in item for item in args.set):
        parser.error(f"--checks takes letters of {''.join(CHECKS)}; --set takes NAME=VALUE")
    started = time.monotonic()
    checks = Checks()
    with tempfile.TemporaryDirectory(prefix="events-two-node-") as tmp:
        workdir = args.keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        env = {
            "EVENTS_PAGE_CACHE_CHECK_SECONDS": str(CHECK_SECONDS),
            "EVENTS_RATE_LIMIT_REGISTER": f"{REGISTER_LIMIT}/hour",
            **dict(item.split("=", 1) for item in args.set),
        }
        with running_cluster(args.postgres, args.redis, workdir, app=args.app, **env) as cluster:
            print(f"nginx on {cluster.proxy_url} in front of "
                  f"{', '.join(n.url for n in cluster.nodes)}", flush=True)  # fmt: skip
            for letter in sorted(set(args.checks)):
                try:
                    CHECKS[letter](cluster, checks)
                except Exception as exc:  # report it, and go on with the next check
                    traceback.print_exc()
                    checks.expect(letter, False, f"{exc.__class__.__name__}: {exc}")
        if checks.failed:
            print_log_tails(workdir)
            print(f"logs: {workdir}" if args.keep else "(run with --keep DIR to keep the logs)")
    print(f"{'FAILED: ' + ', '.join(checks.failed) if checks.failed else 'all checks passed'} "
          f"in {time.monotonic() - started:.0f} s")  # fmt: skip
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
