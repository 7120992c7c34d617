"""Checks of a form that came back with problems, as the GOV.UK design system shows them:
"Error: " before the page title, the summary box (focused by static/js/error-summary.js)
with one link per problem to its control, and each control described by its own message."""

from __future__ import annotations

import html
import re

_SUMMARY = re.compile(
    r'<div class="error-summary" tabindex="-1" data-error-summary>\s*<div role="alert">(.*?)'
    r"</ul>",
    re.S,
)
_LINK = re.compile(r'<li><a href="#([^"]+)">(.*?)</a></li>', re.S)


def summary_links(page: str) -> list[tuple[str, str]]:
    """(control id, message) of each link in the page's error summary, in order."""
    match = _SUMMARY.search(page)
    assert match, "no error summary on the page"
    return [(id_, html.unescape(text)) for id_, text in _LINK.findall(match.group(1))]


def assert_error_summary(page: str, ids: list[str]) -> list[tuple[str, str]]:
    """The page is a form with problems at exactly the controls `ids`, in this order; each
    link leads to a control on the page that names its own message. The links are returned."""
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert title
    assert title.group(1).startswith("Error: "), title.group(1)
    assert page.count("data-error-summary") == 1
    assert "js/error-summary.js" in page
    links = summary_links(page)
    assert [id_ for id_, _text in links] == ids
    for id_, text in links:
        control = re.search(rf'<(input|select|textarea|fieldset)\b[^>]*\bid="{id_}"[^>]*>', page)
        assert control, f"no control #{id_}"
        described = re.search(r'aria-describedby="([^"]*)"', control.group(0))
        assert described, control.group(0)
        assert f"{id_}-error" in described.group(1).split(), control.group(0)
        message = re.search(rf'id="{id_}-error"[^>]*>(.*?)</(p|legend)>', page, re.S)
        assert message, f"no message #{id_}-error"
        assert html.unescape(message.group(1)).strip() in text
    return links


def assert_no_error_summary(page: str) -> None:
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert title
    assert "Error:" not in title.group(1)
    assert "data-error-summary" not in page
