"""Where an uncached /events render spends its time: in-process, no HTTP, no load tool.

Seeds the same 50 events as bench/run.py, builds the app with the page cache off and prints:
  1. CPU time per full request through the ASGI stack (middleware, thread hop, view);
  2. the view's work split into phases (queries, month grouping, template);
  3. the SQL statements one request runs;
  4. a breakdown of the view by the functions that matter (cProfile, cumulative);
  5. with --tree, pyinstrument's call tree (`pip install pyinstrument`; not a dependency).

Times are CPU time, not wall time, so other work on a shared machine does not count as ours.

    .venv/bin/python bench/profile_listing.py [--requests 300] [--tree]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.types import Message

from bench.seed import EVENT_COUNT, seed_database
from events_app.app import create_app
from events_app.categories.service import list_categories
from events_app.config import load_settings
from events_app.events import listing
from events_app.events.present import group_by_month
from events_app.events.views import events_index
from events_app.pagination import Page
from events_app.web.context import AppContext

# (label, file suffix, function name): cumulative time of these, as a share of the view.
BREAKDOWN = [
    ("template render (Template.render)", "jinja2/environment.py", "render"),
    ("  inside macros (event_card and the ones it calls)", "jinja2/runtime.py", "__call__"),
    ("  path_for -> Starlette url_path_for", "events_app/web/templating.py", "path_for"),
    ("  |when -> format_event_when (Babel)", "events_app/events/present.py", "format_event_when"),
    ("  autoescape (markupsafe.escape)", "markupsafe/__init__.py", "escape"),
    ("list_upcoming_events (count + ORM)", "events_app/events/service.py", "list_upcoming_events"),
    ("  ORM rows -> Event objects (.all())", "sqlalchemy/engine/result.py", "all"),
    ("list_categories", "events_app/categories/service.py", "list_categories"),
    ("group_by_month", "events_app/events/present.py", "group_by_month"),
]


def scope_for(path: str) -> dict[str, Any]:
    return {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
        "query_string": b"", "headers": [(b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000),
    }  # fmt: skip


async def request(app: Starlette, path: str = "/events") -> tuple[int, bytes]:
    status, chunks = 0, []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope_for(path), receive, send)
    return status, b"".join(chunks)


async def requests_cpu_ms(app: Starlette, count: int) -> float:
    # Process CPU time covers the worker threads Starlette runs the sync view in.
    started = time.process_time()
    for _ in range(count):
        await request(app)
    return (time.process_time() - started) / count * 1000


def mean_ms(function: Callable[[], object], count: int) -> float:
    """Mean CPU milliseconds per call."""
    started = time.process_time()
    for _ in range(count):
        function()
    return (time.process_time() - started) / count * 1000


@contextmanager
def captured_sql(ctx: AppContext) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(" ".join(str(args[2]).split())[:110])

    event.listen(ctx.db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", record)


def phases(ctx: AppContext, count: int) -> dict[str, float]:
    """The view's work piece by piece, the same calls as events_index, outside Starlette."""
    now = ctx.now()
    settings = ctx.settings

    def load() -> tuple[Page[Any], list[Any]]:
        with ctx.db.read() as session:
            page = listing.list_upcoming_events(
                session=session, now=now, page_size=settings.page_size, site_tz=ctx.site_tz
            )
            return page, list_categories(session=session)

    page, categories = load()
    template = ctx.templates.get_template("events/index.html")

    # The templates read the request's path, scope and query (the canonical address).
    request = Request(scope_for("/events"))
    context = {
        "request": request, "page": page, "groups": group_by_month(page.items),
        "filters": listing.EventFilters(), "errors": {}, "categories": categories,
        "raw": dict.fromkeys(("q", "category", "format", "from", "to"), ""),
        "filter_params": {}, "formats": [], "any_upcoming": True,
    }  # fmt: skip
    return {
        "queries + ORM objects (one session)": mean_ms(load, count),
        "group_by_month": mean_ms(lambda: group_by_month(page.items, settings.language), count),
        "template render": mean_ms(lambda: template.render(context), count),
    }


def breakdown(stats: pstats.Stats, view_function: str) -> list[tuple[str, float]]:
    cumulative: dict[tuple[str, str], float] = {}
    for (filename, _line, name), row in stats.stats.items():  # type: ignore[attr-defined]
        key = (filename.replace("\\", "/"), name)
        cumulative[key] = cumulative.get(key, 0.0) + row[3]
    total = next(t for (f, n), t in cumulative.items() if n == view_function and "views" in f)
    shares = []
    for label, suffix, name in BREAKDOWN:
        seconds = sum(t for (f, n), t in cumulative.items() if n == name and f.endswith(suffix))
        shares.append((label, seconds / total))
    return shares


def profile_view(app: Starlette, count: int, tree: bool) -> None:
    # The view is called directly (on SQLite it reads inline, so no worker thread hides it).
    loop = asyncio.new_event_loop()

    def view() -> None:
        request = Request({**scope_for("/events"), "app": app, "router": app.router})
        loop.run_until_complete(events_index(request))

    print(f"\nthe view alone, called directly: {mean_ms(view, count):.2f} ms CPU")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(count):
        view()
    profiler.disable()
    print("share of the view's time (cProfile, cumulative; indented = part of the line above)")
    for label, share in breakdown(pstats.Stats(profiler), "events_index"):
        print(f"  {label:<50} {share:6.1%}")
    print("\ntop functions by own time:")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(15)
    if tree:
        from pyinstrument import Profiler

        sampler = Profiler(interval=0.0002, async_mode="disabled")
        sampler.start()
        for _ in range(count):
            view()
        sampler.stop()
        print(sampler.output_text(unicode=False, color=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--tree", action="store_true", help="pyinstrument call tree as well")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="events-profile-") as workdir:
        url = f"sqlite:///{Path(workdir) / 'bench.db'}"
        seed_database(url, datetime.now(UTC))
        settings = load_settings(
            database_url=url, env="production", secret_key="x" * 40, page_cache=False,
            page_size=EVENT_COUNT, log_level="warning",
        )  # fmt: skip
        app = create_app(settings)
        ctx: AppContext = app.state.context
        status, body = asyncio.run(request(app))
        if status != 200 or body.count(b'class="card event-card') != EVENT_COUNT:
            raise SystemExit(f"/events did not render the {EVENT_COUNT} events (status {status})")

        per_request = asyncio.run(requests_cpu_ms(app, args.requests))
        print(f"full request through the ASGI stack: {per_request:.2f} ms CPU "
              f"(at most {1000 / per_request:.0f} req/s on one core, before HTTP)")  # fmt: skip
        for name, ms in phases(ctx, args.requests).items():
            print(f"  {name:<40} {ms:6.2f} ms")

        with captured_sql(ctx) as statements:
            asyncio.run(request(app))
        print(f"\nSQL statements per request: {len(statements)}")
        for statement in statements:
            print(f"  {statement}")

        profile_view(app, args.requests, args.tree)


if __name__ == "__main__":
    main()
