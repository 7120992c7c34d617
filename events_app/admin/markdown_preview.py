"""The editor's "Preview": the Markdown source rendered as the public page will show it, in a
worker thread, since a long source takes a while to render and the event loop serves everyone.
A source the schemas would refuse (too many square brackets) is not rendered at all: the form
comes back with the same field error saving would give."""

from __future__ import annotations

from dataclasses import dataclass

from anyio import to_thread
from markupsafe import Markup

from events_app.admin.local_times import Problem
from events_app.markdown import MAX_BRACKETS, check_markdown, render_markdown


@dataclass(frozen=True)
class Preview:
    html: Markup


async def preview_markdown(source: str, field: str) -> tuple[Preview | None, dict[str, Problem]]:
    """The preview of `source`, or no preview and the problem of `field`."""
    try:
        check_markdown(source)
    except ValueError:
        return None, {field: Problem("brackets", {"count": f"{MAX_BRACKETS:,}"})}
    return Preview(await to_thread.run_sync(render_markdown, source)), {}
