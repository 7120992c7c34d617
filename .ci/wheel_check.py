"""CI: the wheel alone serves the site.

Builds the wheel, installs it (not editable) into a fresh virtual environment in a temporary
folder outside the repository, then, from there and with a temporary database, runs
`events-app db upgrade`, `events-app demo` and `events-app serve` on a free port and fetches a
handful of pages. Nothing can come from the source tree: the commands run from the temporary
folder, with no PYTHONPATH, and the check asserts that `events_app` is imported from the new
environment. A template, static file or catalogue missing from the wheel fails it.

    .venv/bin/python .ci/wheel_check.py          # KEEP=1 keeps the temporary folder
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# Files the app reads at run time besides its modules: one of each kind must be in the wheel.
PACKAGE_DATA = [
    "events_app/templates/base.html",
    "events_app/templates/email/confirmed.subject.txt",
    "events_app/static/css/site.css",
    "events_app/static/js/share.js",
    "events_app/locale/messages.pot",
    "events_app/migrations/script.py.mako",
    "events_app/migrations/versions/0001_events_articles_and_categories.py",
    "events_app/demo/events.py",
]


class CheckFailed(Exception):
    pass


def run(command: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> str:
    print("$", " ".join(command), flush=True)
    result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    if result.returncode != 0:
        raise CheckFailed(
            f"{command[0]} exited {result.returncode}\n{result.stdout[-3000:]}\n"
            f"{result.stderr[-3000:]}"
        )
    return result.stdout


def build_wheel(out: Path) -> Path:
    run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(REPO)],
        cwd=REPO,
    )
    (wheel,) = out.glob("events_app-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in PACKAGE_DATA if name not in names]
    if missing:
        raise CheckFailed(f"{wheel.name} lacks {missing}")
    print(f"{wheel.name}: {len(names)} files")
    return wheel


def clean_environment(extra: dict[str, str]) -> dict[str, str]:
    """The caller's environment without anything that could point back at the repository."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("EVENTS_", "PYTHON", "VIRTUAL_ENV"))
    }
    return {**env, **extra}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def fetch(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            body = response.read().decode("utf-8")
            return response.status, response.headers.get("Content-Type", ""), body
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read().decode()


def wait_until_up(base: str, server: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise CheckFailed(f"events-app serve exited {server.returncode} before answering")
        try:
            if fetch(f"{base}/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise CheckFailed("events-app serve did not answer /healthz within 60 s")


def expect(base: str, path: str, *, contains: list[str], content_type: str = "text/html") -> str:
    status, kind, body = fetch(base + path)
    if status != 200:
        raise CheckFailed(f"GET {path}: {status}\n{body[:2000]}")
    if not kind.startswith(content_type):
        raise CheckFailed(f"GET {path}: Content-Type {kind!r}, expected {content_type}")
    for text in contains:
        if text not in body:
            raise CheckFailed(f"GET {path}: {text!r} not in the answer\n{body[:2000]}")
    print(f"GET {path}: 200 {kind.split(';')[0]}, {len(body)} characters")
    return body


def check_pages(base: str) -> None:
    events = json.loads(
        expect(base, "/api/v1/events", contains=[], content_type="application/json")
    )
    if not events["data"]:
        raise CheckFailed("the demo loaded no upcoming events")
    first = events["data"][0]
    # Pages render the templates with the demo content from the database.
    home = expect(base, "/", contains=[first["title"], "Upcoming events"])
    expect(base, "/events", contains=[f'href="/events/{first["slug"]}"', first["title"]])
    expect(base, f"/events/{first['slug']}", contains=[first["title"], "Add to calendar"])
    expect(base, "/articles", contains=["<article"])
    expect(
        base,
        "/events.ics",
        contains=["BEGIN:VCALENDAR", first["title"]],
        content_type="text/calendar",
    )
    # The stylesheet's fingerprint is a hash of the file: "missing" means it is not installed.
    css = re.search(r'href="(/static/css/site\.css\?v=([0-9a-f]+))"', home)
    if css is None:
        raise CheckFailed("the home page links no fingerprinted stylesheet")
    expect(base, css.group(1), contains=["body"], content_type="text/css")
    expect(base, "/admin/login", contains=["<form", 'type="password"'])


def main() -> int:
    temp = Path(tempfile.mkdtemp(prefix="events-wheel-check-"))
    server: subprocess.Popen[str] | None = None
    log_path = temp / "serve.log"
    try:
        wheel = build_wheel(temp / "dist")
        venv = temp / "venv"
        run([sys.executable, "-m", "venv", str(venv)], cwd=temp)
        python, app = venv / "bin" / "python", venv / "bin" / "events-app"
        run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], cwd=temp)

        site = temp / "site"
        site.mkdir()
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = clean_environment(
            {
                "EVENTS_DATABASE_URL": f"sqlite:///{site / 'events.db'}",
                "EVENTS_BASE_URL": base,
                "EVENTS_MAIL_DIR": str(site / "mail"),
            }
        )
        where = run(
            [str(python), "-c", "import events_app; print(events_app.__file__)"], cwd=site, env=env
        ).strip()
        if not where.startswith(str(venv)):
            raise CheckFailed(f"events_app was imported from {where}, not from the new venv")
        run([str(app), "db", "upgrade"], cwd=site, env=env)
        print(run([str(app), "demo"], cwd=site, env=env).strip())

        with log_path.open("w") as log:
            server = subprocess.Popen(
                [str(app), "serve", "--host", "127.0.0.1", "--port", str(port)],
                cwd=site,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                text=True,
            )
        wait_until_up(base, server)
        check_pages(base)
    except CheckFailed as failure:
        print(f"wheel check FAILED: {failure}", file=sys.stderr)
        if log_path.exists():
            print("--- events-app serve ---\n" + log_path.read_text()[-4000:], file=sys.stderr)
        return 1
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if os.environ.get("KEEP"):
            print(f"kept {temp}")
        else:
            shutil.rmtree(temp, ignore_errors=True)
    print("wheel check passed: the installed wheel serves the site")
    return 0


if __name__ == "__main__":
    sys.exit(main())
