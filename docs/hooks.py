"""MkDocs hook: the settings and command-line references, written from the code at build time.

A page asks for one with a marker line, `<!-- generated: settings -->` or
`<!-- generated: cli -->`; the hook replaces it with Markdown built from
`events_app.config.Settings` (each field's description, default and variable name) and from
`events_app.cli.build_parser()` (every command, its usage, arguments and help). Nothing is
copied by hand, so the references cannot drift from the code. tests/test_docs.py checks both.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from enum import Enum
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from pydantic.fields import FieldInfo

from events_app.cli import build_parser
from events_app.config import Settings

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

USAGE_WIDTH = 88


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    return expand(markdown)


def expand(markdown: str) -> str:
    return markdown.replace("<!-- generated: settings -->", settings_table()).replace(
        "<!-- generated: cli -->", cli_reference()
    )


# --- settings --------------------------------------------------------------------------------


def settings_table() -> str:
    rows = [
        "| Variable | Default | Meaning |",
        "| --- | --- | --- |",
    ]
    for name, field in Settings.model_fields.items():
        description = (field.description or "").replace("|", "\\|")
        rows.append(f"| `EVENTS_{name.upper()}` | {shown_default(field)} | {description} |")
    return "\n".join(rows)


def shown_default(field: FieldInfo) -> str:
    extra = field.json_schema_extra
    if isinstance(extra, dict) and "shown_default" in extra:
        return str(extra["shown_default"])
    value = field.get_default(call_default_factory=True)
    if value == "":
        return "empty"
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, Enum):
        text = str(value.value)
    elif isinstance(value, list):
        text = json.dumps(value)
    elif isinstance(value, PurePath):
        text = value.as_posix()
    else:
        text = str(value)
    return f"`{text}`"


# --- command line ----------------------------------------------------------------------------


def cli_reference() -> str:
    parser = build_parser()
    sections = [_usage(parser), parser.description or "", parser.epilog or ""]
    for command, summary in _commands(parser, ""):
        sections.append(_command_section(command, summary))
    return "\n\n".join(section for section in sections if section)


def _commands(parser: argparse.ArgumentParser, summary: str) -> Iterator[tuple[Any, str]]:
    """Every command that runs something (`db upgrade`, not `db`), depth first, in the order
    the parser lists them."""
    groups = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not groups and parser.prog != "events-app":
        yield parser, summary
    for group in groups:
        helps = {choice.dest: choice.help or "" for choice in group._choices_actions}
        for name, sub in group.choices.items():
            yield from _commands(sub, helps[name])


def _command_section(parser: argparse.ArgumentParser, summary: str) -> str:
    lines = [f"## {parser.prog}", ""]
    lines += [parser.description or _sentence(summary), "", _usage(parser), ""]
    arguments = [a for a in parser._actions if not isinstance(a, argparse._HelpAction)]
    if arguments:
        lines += ["| Argument | Default | Meaning |", "| --- | --- | --- |"]
        lines += [_argument_row(action) for action in arguments]
        lines.append("")
    if parser.epilog:
        lines.append(parser.epilog)
    return "\n".join(lines).strip()


def _usage(parser: argparse.ArgumentParser) -> str:
    formatter = argparse.HelpFormatter(parser.prog, width=USAGE_WIDTH)
    formatter.add_usage(parser.usage, parser._actions, parser._mutually_exclusive_groups)
    return "```text\n" + formatter.format_help().strip() + "\n```"


def _argument_row(action: argparse.Action) -> str:
    # Written as the usage line writes them: `--format {json,ics}`, `[revision]`.
    if action.choices:
        metavar = "{" + ",".join(str(choice) for choice in action.choices) + "}"
    else:
        metavar = action.metavar if isinstance(action.metavar, str) else None
    if action.option_strings:
        names = ", ".join(action.option_strings)
        if action.nargs != 0:
            names += f" {metavar or action.dest.upper()}"
    else:
        names = metavar or action.dest
        if action.nargs == "?":
            names = f"[{names}]"
    meaning = _sentence(action.help or "")
    if action.choices:
        meaning += " One of " + ", ".join(f"`{choice}`" for choice in action.choices) + "."
    default = action.default
    shown = "" if default in (None, False, "", argparse.SUPPRESS) else f"`{default}`"
    return f"| `{names}` | {shown} | {meaning.replace('|', chr(92) + '|')} |"


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    return text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")
