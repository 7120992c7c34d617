"""The documentation: the references written from the code name everything, the CLI's every
argument is explained, the README's first screen has the two commands and the screenshot, and
the site builds with `mkdocs build --strict`."""

from __future__ import annotations

import argparse
import importlib.util
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from events_app.cli import build_parser
from events_app.config import Settings

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def load_hooks() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_hooks", DOCS / "hooks.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


hooks = load_hooks()


def generated(page: str) -> str:
    source = (DOCS / page).read_text()
    assert "<!-- generated: " in source, f"{page} lost its marker"
    text: str = hooks.expand(source)
    assert "<!-- generated: " not in text
    return text


def test_the_settings_reference_has_every_setting_with_its_description() -> None:
    page = generated("reference/settings.md")
    for name, field in Settings.model_fields.items():
        row = next(
            (line for line in page.splitlines() if line.startswith(f"| `EVENTS_{name.upper()}` |")),
            None,
        )
        assert row is not None, f"EVENTS_{name.upper()} is not in the settings reference"
        assert str(field.description) in row


def test_the_settings_reference_shows_defaults_as_they_are_typed() -> None:
    rows = {
        line.split("|")[1].strip(" `"): line.split("|")[2].strip()
        for line in generated("reference/settings.md").splitlines()
        if line.startswith("| `EVENTS_")
    }
    assert rows["EVENTS_ALLOWED_HOSTS"] == '`["127.0.0.1", "localhost"]`'
    assert rows["EVENTS_API_CORS_POST_ORIGINS"] == "`[]`"
    assert rows["EVENTS_PAGE_CACHE"] == "`true`"
    assert rows["EVENTS_ENV"] == "`development`"
    assert rows["EVENTS_MAIL_DIR"] == "`var/mail`"
    assert rows["EVENTS_SMTP_USERNAME"] == "empty"
    assert rows["EVENTS_SECRET_KEY"] == "generated"


def leaf_commands(
    parser: argparse.ArgumentParser,
) -> Iterator[argparse.ArgumentParser]:
    groups = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not groups:
        yield parser
    for group in groups:
        for sub in group.choices.values():
            yield from leaf_commands(sub)


COMMANDS = {command.prog: command for command in leaf_commands(build_parser())}


def test_the_commands_are_found() -> None:
    assert {"events-app serve", "events-app db upgrade", "events-app admin create"} <= set(COMMANDS)


@pytest.mark.parametrize("prog", list(COMMANDS))
def test_every_command_line_argument_is_explained(prog: str) -> None:
    parser = COMMANDS[prog]
    for action in parser._actions:
        assert action.help, f"{prog}: {action.option_strings or action.dest} needs help=..."
    assert parser.description, f"{prog} needs a description"


@pytest.mark.parametrize("prog", list(COMMANDS))
def test_the_cli_reference_has_every_command_and_argument(prog: str) -> None:
    page = generated("reference/cli.md")
    sections = dict(re.findall(r"^## (events-app[^\n]*)\n(.*?)(?=^## |\Z)", page, re.M | re.S))
    section = sections[prog]
    for action in COMMANDS[prog]._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        for name in action.option_strings or [action.dest]:
            assert f"`{name}" in section or f"`[{name}" in section or f", {name}" in section, (
                f"{prog}: {name} is not in the CLI reference"
            )
        assert str(action.help)[1:] in section


def test_import_lists_both_of_its_options_in_one_usage_line() -> None:
    """The hand-written README had `--no-notify` on one line and `--quiet` on another."""
    page = generated("reference/cli.md")
    assert "usage: events-app import [-h] [--quiet] [--no-notify] file" in page


def test_the_variables_the_test_suite_reads_are_documented() -> None:
    read = set()
    for path in (ROOT / "tests").rglob("*.py"):
        read |= set(
            re.findall(r"environ(?:\.get)?\(\s*\"(EVENTS_TEST_[A-Z_]+)\"", path.read_text())
        )
        read |= set(re.findall(r"environ\[\"(EVENTS_TEST_[A-Z_]+)\"\]", path.read_text()))
    assert {"EVENTS_TEST_POSTGRES_URL", "EVENTS_TEST_STRICT", "EVENTS_TEST_REDIS_URL"} <= read
    documented = set(
        re.findall(r"`(EVENTS_TEST_[A-Z_]+)`", (DOCS / "developers/tests.md").read_text())
    )
    assert read - documented == set()


def test_the_readme_starts_with_the_two_commands_and_the_screenshot() -> None:
    first_screen = (ROOT / "README.md").read_text().splitlines()[:12]
    assert any(line.startswith("make run ") for line in first_screen)
    assert any(line.startswith("make test ") for line in first_screen)
    images = [m for line in first_screen for m in re.findall(r"!\[[^\]]+\]\(([^)]+)\)", line)]
    assert images, "no screenshot on the README's first screen"
    picture = ROOT / images[0]
    assert picture.suffix == ".png"
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert picture.stat().st_size < 300_000


def test_the_documentation_builds_strictly(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    settings_page = (tmp_path / "reference" / "settings" / "index.html").read_text()
    assert all(f"EVENTS_{name.upper()}" in settings_page for name in Settings.model_fields)
