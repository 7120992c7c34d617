"""How long rendering a description takes, and what the bracket limit buys: the hostile
source of issue 11 (24,900 "*[", once ~4.7 s on every page view), how long refusing it takes,
the slowest source still accepted, and ordinary descriptions. Descriptions are rendered once,
when saved (events_app/markdown.py), so these are costs of a save, never of a page view.

    .venv/bin/python bench/markdown_render.py [--repeats 5] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

from events_app.demo.events import EVENTS
from events_app.markdown import MAX_BRACKETS, check_markdown, render

HOSTILE = "*[" * 24_900
NORMAL = (
    "## Programme\n\nThree short talks, then a *moderated* discussion with "
    "[our guests](https://example.org/guests).\n\n- Coffee at 9\n- Talks at 10\n- Lunch\n\n"
    "| Time | Room |\n|---|---|\n| 10:00 | Hall A |\n"
)
PROSE_50K = ("Lorem ipsum dolor sit amet, *consectetur* adipiscing elit. " * 900)[:50_000]


def _refuse(source: str) -> None:
    try:
        check_markdown(source)
    except ValueError:
        return
    raise AssertionError("accepted")


def best_ms(work: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    demo = max((spec["description"] for spec in EVENTS), key=len)
    rows = {
        "hostile, rendered without the limit": best_ms(lambda: render(HOSTILE), 1),
        "hostile, refused by check_markdown": best_ms(lambda: _refuse(HOSTILE), args.repeats),
        f"accepted maximum ({MAX_BRACKETS} '*[')": best_ms(
            lambda: render("*[" * MAX_BRACKETS), args.repeats
        ),
        f"accepted maximum ({MAX_BRACKETS} '*[') + 48,000 chars of prose": best_ms(
            lambda: render("*[" * MAX_BRACKETS + PROSE_50K[:48_000]), args.repeats
        ),
        f"normal description ({len(NORMAL)} chars)": best_ms(lambda: render(NORMAL), args.repeats),
        f"longest demo description ({len(demo)} chars)": best_ms(
            lambda: render(demo), args.repeats
        ),
        "50,000 chars of prose (the longest allowed)": best_ms(
            lambda: render(PROSE_50K), args.repeats
        ),
    }
    for name, ms in rows.items():
        print(f"{ms:10.2f} ms  {name}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
