"""What the browser tests make of the Nu HTML Checker's messages: which types fail a test,
and a readable line per message."""

from __future__ import annotations

from typing import Any

FAILING_TYPES = {"error", "non-document-error"}


def describe(message: dict[str, Any]) -> str:
    where = f"line {message.get('lastLine', '?')}, column {message.get('firstColumn', '?')}"
    extract = " ".join(str(message.get("extract", "")).split())
    text = f"{message['type']} at {where}: {message.get('message', '')}"
    return f"{text}\n      in: {extract}" if extract else text
