"""Servers for the benchmarks of issue 11: `events-app serve` exactly as the deployment page
documents it, and the bare Starlette endpoint under the same uvicorn defaults.

`events-app serve` chooses uvicorn's event loop and HTTP parser itself (uvloop and httptools
when installed), writes no access log and sends no `server` header; the bare app is started
with the same three choices, so the ratio measures the events app and nothing else.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.run import BASE_URL, HOST, PROJECT_ROOT, free_port, http_get, server_command
from deploy.cluster import stop_process_group

STARTUP_TIMEOUT = 60.0


def app_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of the deployed site, configured only through EVENTS_* variables (any
    from the caller's shell dropped). The outbox is sent by `events-app worker`, as deployed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVENTS_")}
    env.update(
        EVENTS_DATABASE_URL=database_url,
        EVENTS_ENV="production",
        EVENTS_SECRET_KEY=secrets.token_urlsafe(48),
        EVENTS_ALLOWED_HOSTS=json.dumps([HOST]),
        EVENTS_BASE_URL=BASE_URL,
        EVENTS_PAGE_SIZE="50",
        EVENTS_LOG_LEVEL="warning",
        EVENTS_MAIL_IN_PROCESS="false",
        EVENTS_MAIL_BACKEND="console",
        **extra,
    )
    return env


def serve_command(port: int, pin: list[str], workers: int = 1) -> list[str]:
    """As docs/operators/deployment.md says, on loopback."""
    return [*server_command("app", port, pin), "--workers", str(workers)]


def bare_command(port: int, pin: list[str]) -> list[str]:
    return server_command("bare", port, pin)


def bare_env(body_file: Path, path: str, media_type: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVENTS_")}
    env.update(BENCH_BODY_FILE=str(body_file), BENCH_PATH=path, BENCH_MEDIA_TYPE=media_type)
    return env


@dataclass(frozen=True)
class Running:
    port: int
    pid: int

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"


@contextmanager
def running(
    command_for: object, env: dict[str, str], path: str, log: Path, port: int | None = None
) -> Iterator[Running]:
    """Start `command_for(port)`, wait until `path` answers, stop its whole process group.
    `port`: one chosen beforehand (when the environment names it); a free one otherwise."""
    port = port or free_port()
    command = command_for(port)  # type: ignore[operator]
    with log.open("ab") as output:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{command} exited during start-up:\n{log.read_text()}")
            try:
                http_get(port, path, timeout=10.0)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{command} not ready:\n{log.read_text()}") from None
                time.sleep(0.05)
        yield Running(port, process.pid)
    finally:
        stop_process_group(process)  # type: ignore[arg-type]
