"""Markdown for descriptions and article bodies: rendered with markdown-it-py (raw HTML off),
then sanitised with nh3, so that even a renderer bug cannot put script on a page."""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_ALLOWED_TAGS = {
    "a",
    "p",
    "br",
    "hr",
    "em",
    "strong",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "del",
    "s",
}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}


@lru_cache(maxsize=1)
def _renderer() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
        ["table", "strikethrough"]
    )


def _demote_h1(html: str) -> str:
    # The page owns its single <h1>; a heading written as "# ..." in a body becomes an <h2>.
    return html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")


def render_markdown(source: str) -> Markup:
    html = _demote_h1(_renderer().render(source or ""))
    cleaned = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(cleaned)  # noqa: S704 - sanitised by nh3 just above


def markdown_to_text(source: str) -> str:
    """Plain text of a Markdown source (for meta descriptions and calendar descriptions)."""
    html = _renderer().render(source or "")
    text = nh3.clean(html, tags=set())
    import html as html_module

    return " ".join(html_module.unescape(text).split())
