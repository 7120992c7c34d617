"""`make lighthouse`: Lighthouse's four category scores for the demo site (issue 14).

Starts `events-app serve` as docs/operators/deployment.md documents it, on a fresh SQLite
database holding the demo content (`events-app db upgrade`, `events-app demo`, as `make run`
does), then runs Lighthouse (npm `lighthouse`, its default mobile preset, driving Debian's
Chromium; never a downloaded browser) against the home page, `/events`, the first event on
`/events` and the first article on `/articles`. Each page is measured --runs times (3) and the
median of each category printed: performance on a shared two-core machine moves by several
points from one run to the next, the other three categories do not.

Not part of `make test` or CI: it needs npm and takes a few minutes. The goal is each category
>= 95 on every page; `--strict` exits 1 below it. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
sys.path.insert(0, str(PROJECT_ROOT))  # `python bench/lighthouse.py` from anywhere

from bench.run import HOST, free_port, http_get  # noqa: E402
from bench.serving import app_env, running, serve_command  # noqa: E402

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
GOAL = 95
LIGHTHOUSE = PROJECT_ROOT / ".tools" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
ATTEMPTS = 3  # tries per Lighthouse run
CHROMIUM = "/usr/bin/chromium"
EVENT_LINK = re.compile(rb'href="(/events/(?!(?:past|calendar)")[a-z0-9][a-z0-9-]*)"')
ARTICLE_LINK = re.compile(rb'href="(/articles/[a-z0-9][a-z0-9-]*)"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per page (median reported)")
    parser.add_argument("--strict", action="store_true", help=f"exit 1 if a median is < {GOAL}")
    parser.add_argument("--json", type=Path, help="also write every run's scores here")
    parser.add_argument("--reports", type=Path, help="keep each run's full Lighthouse JSON here")
    parser.add_argument("--lighthouse", default=os.environ.get("LIGHTHOUSE", str(LIGHTHOUSE)))
    parser.add_argument("--page", action="append", help="measure only these paths (repeatable)")
    parser.add_argument(
        "--cpu-slowdown",
        type=float,
        help="Lighthouse's CPU throttling multiplier instead of the mobile preset's 4, for a "
        "machine slower than Lighthouse assumes (its benchmark index is printed per run)",
    )
    args = parser.parse_args()
    if not Path(args.lighthouse).exists() and not shutil.which(args.lighthouse):
        print(f"lighthouse not found at {args.lighthouse}; `make lighthouse` installs it")
        return 2

    with tempfile.TemporaryDirectory(prefix="events-lighthouse-") as scratch:
        port = free_port()
        env = site_env(Path(scratch), port)
        for command in (["db", "upgrade"], ["demo"]):
            subprocess.run(
                [sys.executable, "-m", "events_app", *command],
                cwd=PROJECT_ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        log = Path(scratch) / "server.log"
        with running(lambda p: serve_command(p, []), env, "/", log, port=port):
            pages = args.page or demo_pages(port)
            results = {page: measure(args, port, page) for page in pages}

    medians = print_table(results)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"runs": results, "medians": medians}, indent=2) + "\n")
    below = [(p, c, s) for p, scores in medians.items() for c, s in scores.items() if s < GOAL]
    for page, category, score in below:
        print(f"BELOW GOAL: {page} {category} {score} < {GOAL}")
    return 1 if below and args.strict else 0


def site_env(scratch: Path, port: int) -> dict[str, str]:
    """The deployed site's environment (bench/serving.py), with its base URL on the port it
    really listens on: canonical links and og:url must point at the page Lighthouse loads."""
    env = app_env(f"sqlite:///{scratch}/events.db")
    env["EVENTS_BASE_URL"] = f"http://{HOST}:{port}"
    env["EVENTS_MEDIA_DIR"] = str(scratch / "media")  # where demo images go, once there are any
    return env


def demo_pages(port: int) -> list[str]:
    """Home, /events, the first event listed there and the first article listed on /articles."""
    event = EVENT_LINK.search(http_get(port, "/events").body)
    article = ARTICLE_LINK.search(http_get(port, "/articles").body)
    if event is None or article is None:
        raise RuntimeError("the demo site lists no event or no article")
    return ["/", "/events", event.group(1).decode(), article.group(1).decode()]


def measure(args: argparse.Namespace, port: int, page: str) -> list[dict[str, int]]:
    runs = []
    for number in range(1, args.runs + 1):
        report = run_lighthouse(args.lighthouse, f"http://{HOST}:{port}{page}", args.cpu_slowdown)
        scores = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
        metrics = {
            short: round(report["audits"][audit]["numericValue"])
            for short, audit in (("FCP", "first-contentful-paint"),
                                 ("LCP", "largest-contentful-paint"),
                                 ("TBT", "total-blocking-time"))
        }  # fmt: skip
        print(
            f"{page} run {number}: "
            + " ".join(f"{k}={v}" for k, v in scores.items())
            + " | "
            + " ".join(f"{k}={v}ms" for k, v in metrics.items())
            + f" | benchmarkIndex={report['environment'].get('benchmarkIndex')}"
        )
        failing = [
            audit["id"]
            for audit in report["audits"].values()
            if audit.get("score") is not None
            and audit["score"] < 0.9
            and audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
        ]
        if failing:
            print(f"  audits below 0.9: {', '.join(sorted(failing))}")
        if args.reports:
            args.reports.mkdir(parents=True, exist_ok=True)
            name = page.strip("/").replace("/", "_") or "home"
            (args.reports / f"{name}-{number}.json").write_text(json.dumps(report))
        # Lighthouse's own measure of the CPU, taken just before the run: below 1000 it warns
        # that the mobile preset's 4x slowdown over-throttles, and performance falls with it.
        runs.append({**scores, "benchmarkIndex": round(report["environment"]["benchmarkIndex"])})
    return runs


def run_lighthouse(lighthouse: str, url: str, cpu_slowdown: float | None) -> dict[str, Any]:
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", CHROMIUM)}
    throttling = (
        [] if cpu_slowdown is None else [f"--throttling.cpuSlowdownMultiplier={cpu_slowdown}"]
    )
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return _lighthouse_once(lighthouse, url, env, throttling)
        except RuntimeError as failure:
            # Lighthouse's own trace recording fails now and then on a busy machine
            # ("NO_NAVSTART: please run Lighthouse again"): run it again, as it says.
            if attempt == ATTEMPTS:
                raise
            print(f"  {failure}; running it again", file=sys.stderr, flush=True)
    raise AssertionError("unreachable")


def _lighthouse_once(
    lighthouse: str, url: str, env: dict[str, str], throttling: list[str]
) -> dict[str, Any]:
    completed = subprocess.run(
        [
            lighthouse,
            url,
            "--output=json",
            "--output-path=stdout",
            "--quiet",
            "--chrome-flags=--headless=new --no-sandbox",
            f"--only-categories={','.join(CATEGORIES)}",
            *throttling,
        ],
        env=env,
        capture_output=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"lighthouse failed on {url}:\n{completed.stderr.decode()[-2000:]}")
    report: dict[str, Any] = json.loads(completed.stdout)
    if report.get("runtimeError"):
        raise RuntimeError(f"lighthouse on {url}: {report['runtimeError']}")
    return report


def print_table(results: dict[str, list[dict[str, int]]]) -> dict[str, dict[str, int]]:
    medians: dict[str, dict[str, int]] = {}
    print(f"\nmedian of {len(next(iter(results.values())))} runs (goal: each >= {GOAL})")
    print(
        f"{'page':<40} "
        + " ".join(f"{c:>14}" for c in CATEGORIES)
        + "  performance runs (benchmark index)"
    )
    for page, runs in results.items():
        medians[page] = {c: int(statistics.median(run[c] for run in runs)) for c in CATEGORIES}
        spread = ", ".join(f"{run['performance']} ({run['benchmarkIndex']})" for run in runs)
        row = " ".join(f"{medians[page][c]:>14}" for c in CATEGORIES)
        print(f"{page:<40} {row}  {spread}")
    return medians


if __name__ == "__main__":
    sys.exit(main())
