"""The events-app command: upgrade, demo (idempotent), and clear configuration errors."""

from __future__ import annotations

import pytest

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


def test_configuration_errors_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("EVENTS_TIMEZONE", "Nowhere/Special")
    monkeypatch.setenv("EVENTS_SECRET_KEY", "k" * 40)
    with pytest.raises(SystemExit) as exit_info:
        main(["db", "upgrade"])
    assert exit_info.value.code == 2
    assert "EVENTS_TIMEZONE" in capsys.readouterr().err


def test_serve_takes_host_port_workers_and_reload() -> None:
    args = build_parser().parse_args(
        ["serve", "--host", "0.0.0.0", "--port", "9000", "--workers", "3", "--reload"]
    )
    assert (args.host, args.port, args.workers, args.reload) == ("0.0.0.0", 9000, 3, True)
