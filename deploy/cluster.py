"""The two-node deployment on one machine, for deploy/two_node.py: a scratch PostgreSQL
database, two `events-app serve --workers 2` nodes, two `events-app worker` processes and
nginx running deploy/nginx/events_app.conf in front, every process stopped (and the database
dropped) when the `running_cluster` block ends, whatever happened inside it."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx2 as httpx
from sqlalchemy import create_engine, make_url, text

from events_app.migrate import upgrade_database
from tests.load.harness import SECRET_KEY, free_port, stop_process_group, wait_until_healthy

DEPLOY_DIR = Path(__file__).resolve().parent
ROOT = DEPLOY_DIR.parent
SITE_CONFIG = DEPLOY_DIR / "nginx" / "events_app.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
NODE_WORKERS = 2
STOP_SECONDS = 30.0
# Small enough that 4 web processes and 2 mail workers stay far below PostgreSQL's default
# max_connections (100) on a machine that runs other tests too: (5 + 5) x 6 = 60.
# Check a's 400 simultaneous registrations queue on one event's row lock; on two shared cores
# the last of them waited just over 10 s for a connection in about one run in three (a 503),
# on this commit and the one before. A visitor in that burst is better served waiting 20 s
# (well inside nginx's proxy_read_timeout) than told to try again.
POOL = {
    "EVENTS_DATABASE_POOL_SIZE": "5",
    "EVENTS_DATABASE_MAX_OVERFLOW": "5",
    "EVENTS_DATABASE_POOL_TIMEOUT_SECONDS": "20",
}


@contextmanager
def scratch_database(admin_url: str) -> Iterator[str]:
    """A new, migrated PostgreSQL database; dropped (connections and all) at the end."""
    server = make_url(admin_url).set(drivername="postgresql+psycopg")
    name = f"events_two_node_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    try:
        upgrade_database(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class Node:
    """One `events-app serve` (uvicorn's supervisor and its workers, in a session of their
    own so that a SIGKILL can take the whole node down like a crashed machine). With `app`
    (a uvicorn factory, "module:function"), uvicorn serves that instead, as `serve` would."""

    name: str
    port: int
    env: dict[str, str]
    logs: Path
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0
    app: str | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.starts += 1
        where = ["--host", "127.0.0.1", "--port", str(self.port), "--workers", str(NODE_WORKERS)]
        command = [*events_app_command(), "serve", *where, "--proxy-headers"]
        env = self.env
        if self.app is not None:
            command = [
                sys.executable, "-m", "uvicorn", self.app, "--factory", *where,
                "--proxy-headers", "--forwarded-allow-ips", "127.0.0.1", "--no-server-header",
            ]  # fmt: skip
            env = {**env, "PYTHONPATH": os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])}
        log = self.logs / f"{self.name}-{self.starts}.log"
        self.process = spawn(command, env, log)
        wait_until_healthy(self.url, self.process, NODE_WORKERS, log)

    def terminate(self) -> float:
        """SIGTERM to the supervisor only, as systemd's KillMode=mixed does; returns the
        seconds the node took to finish its requests and exit."""
        assert self.process is not None
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=STOP_SECONDS)
        return time.monotonic() - started

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=STOP_SECONDS)

    def stop(self) -> None:
        if self.process is not None:
            stop_process_group(self.process)


def fail_timeout() -> float:
    """How long nginx leaves a node alone after a failure (the site config's fail_timeout):
    a restarted node gets traffic again only after that long."""
    found = {float(s) for s in re.findall(r"fail_timeout=(\d+)s", SITE_CONFIG.read_text())}
    assert len(found) == 1, f"{SITE_CONFIG}: expected one fail_timeout, found {found}"
    return found.pop()


@dataclass
class Cluster:
    proxy_url: str
    nodes: list[Node]
    database_url: str
    workdir: Path
    env: dict[str, str] = field(default_factory=dict)

    def access_log(self) -> list[str]:
        return (self.workdir / "nginx" / "access.log").read_text().splitlines()


def events_app_command() -> list[str]:
    return [sys.executable, "-m", "events_app"]


def spawn(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as output:
        return subprocess.Popen(
            command,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def node_environment(database_url: str, redis_url: str, proxy_url: str, **extra: str) -> dict:
    return {
        **os.environ,
        "EVENTS_ENV": "production",
        "EVENTS_DATABASE_URL": database_url,
        "EVENTS_SECRET_KEY": SECRET_KEY,
        "EVENTS_BASE_URL": proxy_url,
        "EVENTS_ALLOWED_HOSTS": '["127.0.0.1"]',
        "EVENTS_REDIS_URL": redis_url,
        "EVENTS_MAIL_IN_PROCESS": "false",
        "EVENTS_MAIL_BACKEND": "console",
        "EVENTS_LOG_LEVEL": "WARNING",
        **POOL,
        **extra,
    }


def nginx_config(workdir: Path, listen: int, upstreams: list[int]) -> Path:
    """deploy/nginx/events_app.conf with this run's ports, inside a main configuration that
    keeps every file nginx writes (pid, logs, temporary bodies) under `workdir`."""
    site = SITE_CONFIG.read_text()
    for old, new in (("listen 80;", f"listen 127.0.0.1:{listen};"),
                     ("127.0.0.1:8001", f"127.0.0.1:{upstreams[0]}"),
                     ("127.0.0.1:8002", f"127.0.0.1:{upstreams[1]}")):  # fmt: skip
        assert old in site, f"{SITE_CONFIG} no longer has {old!r}"
        site = site.replace(old, new)
    (workdir / "site.conf").write_text(site)
    temp = workdir / "temp"
    temp.mkdir(exist_ok=True)
    temp.chmod(0o777)  # nginx's workers run as nobody when started by root
    main = f"""
daemon off;
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    log_format upstreams '$msec $status $request_method $uri $upstream_addr $upstream_status';
    access_log {workdir}/access.log upstreams;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {workdir}/site.conf;
}}
"""
    path = workdir / "nginx.conf"
    path.write_text(main)
    return path


def wait_for_proxy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 15
    with httpx.Client(timeout=2.0) as client:
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not start on {url}:\n{log.read_text()}")
            try:
                if client.get(url + "/healthz").status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)


@contextmanager
def running_cluster(
    admin_url: str, redis_url: str, workdir: Path, *, app: str | None = None, **extra_env: str
) -> Iterator[Cluster]:
    with ExitStack() as stack:
        database_url = stack.enter_context(scratch_database(admin_url))
        proxy_port, port_a, port_b = free_port(), free_port(), free_port()
        proxy_url = f"http://127.0.0.1:{proxy_port}"
        env = node_environment(database_url, redis_url, proxy_url, **extra_env)
        ports = {"node-a": port_a, "node-b": port_b}
        nodes = [Node(name, port, env, workdir, app=app) for name, port in ports.items()]
        for node in nodes:
            stack.callback(node.stop)
            node.start()
        for number in (1, 2):
            log = workdir / f"mail-worker-{number}.log"
            worker = spawn([*events_app_command(), "worker"], env, log)
            stack.callback(stop_process_group, worker)
        nginx_dir = workdir / "nginx"
        nginx_dir.mkdir(exist_ok=True)
        nginx_dir.chmod(0o755)
        config = nginx_config(nginx_dir, proxy_port, [port_a, port_b])
        error_log = nginx_dir / "error.log"
        command = [NGINX, "-p", str(nginx_dir), "-c", str(config), "-e", str(error_log)]
        nginx = spawn(command, env, nginx_dir / "stdout.log")
        stack.callback(stop_process_group, nginx)
        wait_for_proxy(proxy_url, nginx, error_log)
        yield Cluster(proxy_url, nodes, database_url, workdir, env)
