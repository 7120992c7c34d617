"""Markdown for descriptions and article bodies: rendered with markdown-it-py (raw HTML off),
then sanitised with nh3, so that even a renderer bug cannot put script on a page.

Descriptions and bodies are rendered once, when they are saved (`render`), and pages, feeds,
emails and the API read the stored HTML and text. Rendering is linear in the source but slow
on dense markup, and slowest on square brackets: each "[" that opens no link makes
markdown-it-py look ahead for its "]" (as deep as `maxNesting`), so 25,000 of them take
seconds. `check_markdown` refuses a source with more than MAX_BRACKETS of them, which keeps
the worst accepted source to tens of milliseconds (bench/markdown_render.py measures it).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_LINK = re.compile(r'<a\s[^>]*?href="([^"]*)"[^>]*>(.*?)</a>', re.DOTALL)
_LINE_END = re.compile(r"<br\s*/?>\n?|</(?:p|h[2-6]|blockquote|pre|tr|table)>")
_BLANK_LINES = re.compile(r"\n{3,}")

# About a thousand links: far more than any description or article has, and few enough that
# the worst arrangement of them renders in tens of milliseconds.
MAX_BRACKETS = 1000
# The back office's form errors key on "square brackets".
BRACKETS_MESSAGE = f"has more than {MAX_BRACKETS} square brackets: use fewer links"

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


@dataclass(frozen=True)
class Rendered:
    """What is stored beside a Markdown source: its sanitised HTML, and its text on one line
    (meta descriptions, previews, summaries)."""

    html: str
    text: str


def render(source: str) -> Rendered:
    html = str(render_markdown(source))
    return Rendered(html=html, text=html_to_text(html))


def check_markdown(source: str) -> str:
    """A pydantic AfterValidator for Markdown fields: refuses what would render too slowly."""
    if source.count("[") > MAX_BRACKETS:
        raise ValueError(BRACKETS_MESSAGE)
    return source


def _link_as_text(match: re.Match[str]) -> str:
    href, label = match.group(1), match.group(2)
    return label if html.unescape(href) == html.unescape(label) else f"{label} ({href})"


def html_to_text(markup: str, *, layout: bool = False) -> str:
    """Plain text of HTML that `render` stored: one line, or with `layout` its paragraphs,
    list items ("- ") and link targets kept (calendar apps)."""
    if not layout:
        return " ".join(html.unescape(nh3.clean(markup, tags=set())).split())
    markup = _LINK.sub(_link_as_text, markup)
    markup = re.sub(r"<li[^>]*>\s*", "- ", markup)
    markup = _LINE_END.sub("\n", markup)
    text = html.unescape(nh3.clean(markup, tags=set()))
    lines = (line.rstrip() for line in text.splitlines())
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
