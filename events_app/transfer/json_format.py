"""The JSON file: an array of events, or {"articles": [...], "events": [...]}."""

from __future__ import annotations

import json
from typing import Any

from events_app.transfer.records import Document, IncomingRecord, Record, UnreadableFile

_SHAPE = 'a JSON array of events or an object {"articles": [...], "events": [...]}'


def _label(section: str, index: int, values: Any) -> str:
    slug = values.get("slug") if isinstance(values, dict) else None
    return f"{section}[{index}] (slug {slug!r})" if isinstance(slug, str) else f"{section}[{index}]"


def _section(data: dict[str, Any], name: str) -> list[IncomingRecord]:
    items = data.get(name, [])
    if not isinstance(items, list):
        raise UnreadableFile(f"{name!r} must be an array, expected {_SHAPE}")
    return [IncomingRecord(_label(name, i, values), values) for i, values in enumerate(items)]


def read_json(text: str) -> Document:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableFile(
            f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    if isinstance(data, list):
        data = {"events": data}
    elif not isinstance(data, dict):
        raise UnreadableFile(f"expected {_SHAPE}")
    unknown = sorted(str(key) for key in data if key not in ("articles", "events"))
    if unknown:
        raise UnreadableFile(f"unknown top-level key(s) {', '.join(unknown)}; expected {_SHAPE}")
    return Document(articles=_section(data, "articles"), events=_section(data, "events"))


def dump_json(*, articles: list[Record], events: list[Record]) -> bytes:
    document = {"articles": articles, "events": events}
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
