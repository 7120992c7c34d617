"""Markdown is rendered once, at save (events_app/markdown.py): sanitised HTML and one line of
text; and a source that would take markdown-it-py seconds (thousands of square brackets, each
of which makes it look ahead for a "]") is refused before it is rendered."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from markdown_it.parser_inline import ParserInline
from pydantic import ValidationError

from events_app.events.schemas import ArticleCreate, EventCreate
from events_app.markdown import (
    BRACKETS_MESSAGE,
    MAX_BRACKETS,
    check_markdown,
    html_to_text,
    render,
)

# Took about 4.7 s to render before the limit (bench/markdown_render.py).
HOSTILE = "*[" * 24_900
# The same pattern at the limit: the slowest source still accepted.
ACCEPTED_MAXIMUM = "*[" * MAX_BRACKETS


def test_render_stores_sanitised_html_and_one_line_text() -> None:
    rendered = render("# Title\n\nSee [the map](https://map.example.org) <script>x</script>\n\n- a")

    assert rendered.html.startswith("<h2>Title</h2>")
    assert 'href="https://map.example.org"' in rendered.html
    assert "<script>" not in rendered.html
    assert rendered.text == "Title See the map <script>x</script> a"
    assert render("") == render("   ")
    assert html_to_text(rendered.html, layout=True).endswith("- a")


def test_a_source_with_too_many_square_brackets_is_refused() -> None:
    with pytest.raises(ValueError, match="square brackets"):
        check_markdown(HOSTILE)
    with pytest.raises(ValueError, match="square brackets"):
        check_markdown("[" * (MAX_BRACKETS + 1))
    assert check_markdown(ACCEPTED_MAXIMUM) == ACCEPTED_MAXIMUM


def _event(description: str) -> dict[str, Any]:
    start = datetime(2026, 12, 8, 18, tzinfo=UTC)
    return {
        "slug": "talk",
        "title": "Talk",
        "description": description,
        "starts_at": start,
        "ends_at": start.replace(hour=20),
        "timezone": "UTC",
    }


def test_event_and_article_schemas_refuse_it_as_a_field_error() -> None:
    with pytest.raises(ValidationError) as event_error:
        EventCreate.model_validate(_event(HOSTILE))
    with pytest.raises(ValidationError) as article_error:
        ArticleCreate.model_validate({"slug": "a", "title": "A", "body": HOSTILE})

    for caught, field in ((event_error, "description"), (article_error, "body")):
        [error] = caught.value.errors()
        assert error["loc"] == (field,)
        assert BRACKETS_MESSAGE in error["msg"]


def test_the_accepted_maximum_renders_with_bounded_look_ahead(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """markdown-it-py's look-ahead (`skipToken`) runs at most about 2 x maxNesting (20) times per
    bracket, so MAX_BRACKETS bounds the work; the hostile source needs 25 times as much."""
    calls = 0
    skip_token = ParserInline.skipToken

    def counted(self: ParserInline, state: Any) -> None:
        nonlocal calls
        calls += 1
        skip_token(self, state)

    monkeypatch.setattr(ParserInline, "skipToken", counted)
    rendered = render(ACCEPTED_MAXIMUM)

    assert rendered.text == "[" * MAX_BRACKETS  # the asterisks pair up as emphasis
    assert calls <= 100 * MAX_BRACKETS
