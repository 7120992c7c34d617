"""`events-app import` and `events-app export` through the command line entry point."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import icalendar
import pytest

from events_app.cli import main
from events_app.config import Settings
from events_app.db import Database
from events_app.events.editing import find_event
from events_app.transfer.commands import run_import
from tests.support.routes import site_urls

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str) -> None:
    monkeypatch.chdir(tmp_path)  # load_settings() may keep files under ./var
    monkeypatch.setenv("EVENTS_DATABASE_URL", database_url)
    monkeypatch.setenv("EVENTS_SECRET_KEY", "test-secret-key-" + "x" * 32)
    monkeypatch.setenv("EVENTS_BASE_URL", "https://events.example.org")
    monkeypatch.setenv("EVENTS_SITE_NAME", "Science Events")


def test_import_prints_what_it_created_then_what_was_unchanged(
    capsys: pytest.CaptureFixture[str], db: Database
) -> None:
    path = str(DATA / "events.json")

    assert main(["import", path]) == 0
    out = capsys.readouterr().out
    assert "created article lab-notes" in out
    assert "created event open-lab-evening" in out
    assert f"import {path}: created 1 article and 4 events, updated nothing, unchanged nothing" in (
        out
    )

    assert main(["import", "--quiet", path]) == 0
    out = capsys.readouterr().out
    assert "created" not in out.replace("created nothing", "")
    assert "unchanged 1 article and 4 events" in out
    with db.read() as session:
        assert find_event(session=session, slug="winter-school") is not None


def test_rejected_records_are_listed_and_nothing_is_written(
    capsys: pytest.CaptureFixture[str], db: Database
) -> None:
    path = str(DATA / "rejected.json")

    assert main(["import", path]) == 1

    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"import {path}: 3 record(s) rejected; nothing was written" in captured.err
    assert (
        "events[1] (slug 'no-offset'): starts_at: needs a UTC offset, "
        "for example 2026-12-08T14:00:00+08:00"
    ) in captured.err
    with db.read() as session:
        assert find_event(session=session, slug="fine-event") is None


def test_malformed_json_exits_1_with_line_and_column(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(DATA / "malformed.json")]) == 1

    err = capsys.readouterr().err
    assert "not valid JSON: Expecting property name enclosed in double quotes" in err
    assert "at line 3, column 32; nothing was written" in err


def test_missing_file_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "no-such-file.json"]) == 2

    assert "import: cannot read no-such-file.json: No such file or directory" in (
        capsys.readouterr().err
    )


def test_ics_file_is_recognised_by_its_content(capsys: pytest.CaptureFixture[str]) -> None:
    path = Path("calendar.txt")
    path.write_bytes((DATA / "outlook.ics").read_bytes())

    assert main(["import", str(path)]) == 0

    assert "created 3 events" in capsys.readouterr().out


def test_export_json_to_stdout_and_back_in(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["import", str(DATA / "events.json")]) == 0
    capsys.readouterr()

    assert main(["export", "--format", "json"]) == 0
    exported = capsys.readouterr().out
    document = json.loads(exported)
    assert [e["slug"] for e in document["events"]] == [
        "draft-idea", "open-lab-evening", "postponed-talk", "winter-school",
    ]  # fmt: skip
    (tmp_path / "backup.json").write_text(exported)
    assert main(["import", str(tmp_path / "backup.json")]) == 0
    assert "unchanged 1 article and 4 events" in capsys.readouterr().out


def test_export_ics_to_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["import", str(DATA / "events.json")]) == 0
    output = tmp_path / "events.ics"

    assert main(["export", "--format", "ics", "--output", str(output)]) == 0

    assert f"export: wrote ics to {output}" in capsys.readouterr().err
    calendar = icalendar.Calendar.from_ical(output.read_bytes())
    assert calendar["X-WR-CALNAME"] == "Science Events"
    urls = sorted(str(vevent["URL"]) for vevent in calendar.events)
    assert urls == [
        "https://events.example.org/events/open-lab-evening",
        "https://events.example.org/events/postponed-talk",
        "https://events.example.org/events/winter-school",
    ]
    assert b"secret-room" not in output.read_bytes().replace(b"\r\n ", b"")
    assert not list(tmp_path.glob("*.partial"))


def test_export_to_a_missing_directory_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["export", "-o", str(tmp_path / "nowhere" / "x.json")]) == 2

    assert "export: cannot write" in capsys.readouterr().err


def _many_events(path: Path, count: int) -> None:
    events = [
        {
            "slug": f"talk-{number}",
            "title": f"Talk {number}",
            "starts_at": f"2027-01-{number % 28 + 1:02d}T10:00:00+01:00",
            "ends_at": f"2027-01-{number % 28 + 1:02d}T11:00:00+01:00",
            "timezone": "Europe/Berlin",
            "status": "published",
        }
        for number in range(count)
    ]
    path.write_text(json.dumps(events))


def test_progress_bar_only_for_large_files_on_a_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, settings: Settings,
    tmp_path: Path,
) -> None:  # fmt: skip
    path = tmp_path / "many.json"
    _many_events(path, 60)

    assert run_import(settings, site_urls(settings), path, progress=True) == 0
    assert capsys.readouterr().err == ""  # not a terminal: no bar

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert run_import(settings, site_urls(settings), path, progress=True) == 0
    err = capsys.readouterr().err
    assert "60/60" in err

    assert run_import(settings, site_urls(settings), path, progress=False) == 0
    assert capsys.readouterr().err == ""
