"""Can a stopwatch tell a new address from a registered one? (issue 12, item 8)

Posts the registration form in-process (Starlette's TestClient, a fresh SQLite database),
alternating an address that is already registered with one that is new, and reports for
each the median answer time, their ratio, and how well the best single threshold tells them
apart (50 % is a coin toss). It runs twice in the same process: with the answer floor off
(EVENTS_REGISTRATION_ANSWER_MS=0, the work alone) and at its default, so the gap the floor
hides is measured against the gap it would leave.

    .venv/bin/python bench/registration_timing.py            # 40 pairs each way
    .venv/bin/python bench/registration_timing.py --pairs 100 --json out.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from starlette.testclient import TestClient  # noqa: E402

from events_app.app import create_app  # noqa: E402
from events_app.clock import FrozenClock, utc_now  # noqa: E402
from events_app.config import Settings  # noqa: E402
from events_app.db import Database  # noqa: E402
from events_app.migrate import upgrade_database  # noqa: E402
from tests.factories import make_event  # noqa: E402


def _settings(url: str, floor_ms: int | None) -> Settings:
    values: dict[str, Any] = {
        "env": "test",
        "database_url": url,
        "secret_key": "bench-secret-key-" + "x" * 32,
        "base_url": "https://events.example.org",
        "allowed_hosts": ["testserver"],
        "mail_in_process": False,
        "mail_backend": "console",
        "rate_limit_enabled": False,
        "registration_emails_per_address_hour": 1000,
    }
    if floor_ms is not None:
        values["registration_answer_ms"] = floor_ms
    return Settings(**values)


def _post(client: TestClient, email: str) -> float:
    data = {"name": "Ada", "email": email, "consent": "1"}
    started = time.perf_counter()
    response = client.post("/events/talk/register", data=data, follow_redirects=False)
    elapsed = time.perf_counter() - started
    assert response.status_code == 303, response.status_code
    return elapsed * 1000


def _accuracy(known: list[float], new: list[float]) -> float:
    """The best threshold's share of correct guesses (either side may be the slower)."""
    labelled = sorted([(t, 0) for t in known] + [(t, 1) for t in new])
    best, total = 0.5, len(labelled)
    below_new = 0
    below_known = 0
    for _value, label in labelled:
        below_new += label
        below_known += 1 - label
        # "below the threshold means known" and the reverse
        right = below_known + (len(new) - below_new)
        best = max(best, right / total, (total - right) / total)
    return best


def measure(pairs: int, floor_ms: int | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        upgrade_database(url)
        db = Database.from_url(url)
        clock = FrozenClock(utc_now())
        make_event(db, clock.now(), slug="talk")
        settings = _settings(url, floor_ms)
        with TestClient(
            create_app(settings, clock=clock, database=db), base_url="https://testserver"
        ) as client:
            page = client.get("/events/talk")
            assert page.status_code == 200
            _post(client, "known@example.org")
            for number in range(5):  # warm up both paths
                _post(client, f"warm{number}@example.org")
                _post(client, "known@example.org")
            known, new = [], []
            for number in range(pairs):
                new.append(_post(client, f"new{number}@example.org"))
                known.append(_post(client, "known@example.org"))
        db.dispose()
    return {
        "floor_ms": settings.registration_answer_ms,
        "known_median_ms": round(statistics.median(known), 2),
        "new_median_ms": round(statistics.median(new), 2),
        "ratio_new_over_known": round(statistics.median(new) / statistics.median(known), 3),
        "classifier_accuracy": round(_accuracy(known, new), 3),
        "pairs": pairs,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=40)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    results = [measure(args.pairs, 0), measure(args.pairs, None)]
    for row in results:
        print(
            f"floor {row['floor_ms']:>4} ms: known {row['known_median_ms']:7.2f} ms, "
            f"new {row['new_median_ms']:7.2f} ms, ratio {row['ratio_new_over_known']:.3f}, "
            f"a threshold guesses right {row['classifier_accuracy']:.0%} of the time"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
