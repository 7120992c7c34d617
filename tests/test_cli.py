"""The events-app command: upgrade, demo (idempotent), and clear configuration errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic_settings import SettingsError

from events_app import cli
from events_app.cli import build_parser, main
from events_app.db import Database
from events_app.demo.loader import database_is_empty


def test_upgrade_then_demo_twice(
    database_url: str,
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("EVENTS_DATABASE_URL", database_url)
    monkeypatch.setenv("EVENTS_SECRET_KEY", "k" * 40)
    assert main(["db", "upgrade"]) == 0
    assert main(["demo", "--if-empty"]) == 0
    assert "created 4 articles and 12 events" in capsys.readouterr().out
    assert main(["demo", "--if-empty"]) == 0
    assert "already has events" in capsys.readouterr().out
    assert main(["demo"]) == 0
    assert "created 0 articles and 0 events; 16 already present" in capsys.readouterr().out
    with db.read() as session:
        assert not database_is_empty(session=session)


BAD_SETTINGS = [
    ("EVENTS_TIMEZONE", "Nowhere/Special", "is not an IANA timezone name"),
    ("EVENTS_BASE_URL", "ftp://news.example.org", "must start with http:// or https://"),
    ("EVENTS_ENV", "qa", "Input should be 'development', 'production' or 'test'"),
    ("EVENTS_PAGE_SIZE", "twenty", "valid integer"),
    ("EVENTS_PAGE_SIZE", "0", "greater than or equal to 1"),
    ("EVENTS_PAGE_CACHE", "maybe", "valid boolean"),
    ("EVENTS_ALLOWED_HOSTS", '["a.example",', "not a JSON list"),
    ("EVENTS_API_CORS_ORIGINS", '["https://a.example", 7]', "(item 2): Input should be"),
    ("EVENTS_MAIL_BACKEND", "pigeon", "'smtp', 'file' or 'console'"),
    ("EVENTS_LOG_LEVEL", "loud", "'DEBUG', 'INFO'"),
    ("EVENTS_LANGUAGE", "xx", "is not a language Babel knows"),
    ("EVENTS_DATABASE_URL", "events.db", "not a database URL"),
    ("EVENTS_DATABASE_URL", "mysql://db/events", "'mysql' is not supported"),
    ("EVENTS_RATE_LIMIT_REGISTER", "lots", "is not a rate limit"),
    ("EVENTS_ACCENT_COLOR", "teal", "is not a colour written as #RRGGBB"),
    ("EVENTS_ACCENT_COLOR", "#0b4f6", "is not a colour written as #RRGGBB"),
    ("EVENTS_ACCENT_COLOR", "red; background: url(x)", "is not a colour written as #RRGGBB"),
    ("EVENTS_SITE_LOGO", "logo.png", "neither a path starting with / nor an http(s) URL"),
    ("EVENTS_SITE_LOGO", '/logo.svg" onerror="x', "contains a space, quote"),
    ("EVENTS_HOME_URL", "javascript:alert(1)", "is not an http:// or https:// URL"),
]


@pytest.mark.parametrize(
    ("name", "value", "message"), BAD_SETTINGS, ids=[f"{n}={v}" for n, v, _ in BAD_SETTINGS]
)
def test_a_bad_setting_is_one_line_naming_the_variable_and_exit_code_2(
    name: str,
    value: str,
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(name, value)
    monkeypatch.setenv("EVENTS_SECRET_KEY", "k" * 40)
    with pytest.raises(SystemExit) as exit_info:
        main(["db", "upgrade"])
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1, captured.err
    assert captured.err.startswith(f"events-app: configuration error: {name}")
    assert message in captured.err


def test_a_rule_across_settings_is_one_line_too(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("EVENTS_ENV", "production")
    monkeypatch.setenv("EVENTS_SECRET_KEY", "short")
    with pytest.raises(SystemExit) as exit_info:
        main(["serve"])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err == (
        "events-app: configuration error: "
        "EVENTS_SECRET_KEY is required in production (at least 32 characters)\n"
    )


def test_each_bad_setting_gets_its_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("EVENTS_PAGE_SIZE", "0")
    monkeypatch.setenv("EVENTS_SMTP_PORT", "0")
    monkeypatch.setenv("EVENTS_SECRET_KEY", "k" * 40)
    with pytest.raises(SystemExit):
        main(["worker", "--once"])
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(": ")[2] for line in lines] == [
        "EVENTS_PAGE_SIZE",
        "EVENTS_SMTP_PORT",
    ]


def test_a_settings_source_error_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """pydantic-settings refuses some values before validation, with its own error."""

    def unreadable() -> None:
        raise SettingsError('error parsing value for field "x"\nfrom source "Env"')

    monkeypatch.setattr(cli, "load_settings", unreadable)
    with pytest.raises(SystemExit) as exit_info:
        main(["demo"])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err == (
        'events-app: configuration error: error parsing value for field "x" from source "Env"\n'
    )


def run_cli(env: dict[str, str], *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real command, in its own process: nothing the test runner does can catch a
    traceback for it."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("EVENTS_")}
    return subprocess.run(
        [sys.executable, "-m", "events_app", *args],
        env={**clean, "EVENTS_SECRET_KEY": "k" * 40, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_comma_separated_hosts_are_what_people_type(tmp_path: Path) -> None:
    result = run_cli(
        {
            "EVENTS_ALLOWED_HOSTS": "a.example,b.example",
            "EVENTS_DATABASE_URL": f"sqlite:///{tmp_path / 'events.db'}",
        },
        "db",
        "upgrade",
        cwd=tmp_path,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "database upgraded to head\n"


def test_the_command_prints_no_traceback_for_a_bad_list(tmp_path: Path) -> None:
    result = run_cli({"EVENTS_ALLOWED_HOSTS": '["a.example", "b.example"'}, "serve", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        "events-app: configuration error: EVENTS_ALLOWED_HOSTS: "
        "not a JSON list (Expecting ',' delimiter at character 25)\n"
    )


def test_serve_passes_the_trusted_proxy_addresses_to_uvicorn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import uvicorn

    seen: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: seen.update(kwargs))
    main(["serve", "--proxy-headers", "--forwarded-allow-ips", "10.0.0.5,10.0.1.0/24"])
    assert seen["proxy_headers"] is True
    assert seen["forwarded_allow_ips"] == "10.0.0.5,10.0.1.0/24"
    main(["serve", "--proxy-headers"])
    assert seen["forwarded_allow_ips"] == "127.0.0.1"  # never "*" unless said


def test_serve_takes_host_port_workers_and_reload() -> None:
    args = build_parser().parse_args(
        ["serve", "--host", "0.0.0.0", "--port", "9000", "--workers", "3", "--reload"]
    )
    assert (args.host, args.port, args.workers, args.reload) == ("0.0.0.0", 9000, 3, True)


def serve_and_get(tmp_path: Path, *flags: str) -> str:
    """`events-app serve` in its own process, asked for /healthz once: what it printed."""
    import socket
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    clean = {k: v for k, v in os.environ.items() if not k.startswith("EVENTS_")}
    env = {
        **clean,
        "EVENTS_SECRET_KEY": "k" * 40,
        "EVENTS_DATABASE_URL": f"sqlite:///{tmp_path / 'events.db'}",
        "EVENTS_MAIL_IN_PROCESS": "false",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "events_app", "serve", "--port", str(port), *flags],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                    assert r.status in (200, 503)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.1)
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    return output


def test_serve_logs_no_request_unless_asked(tmp_path: Path) -> None:
    assert '"GET /healthz HTTP/1.1"' not in serve_and_get(tmp_path)
    assert '"GET /healthz HTTP/1.1"' in serve_and_get(tmp_path, "--access-log")
