"""What the form accepts: one address, a name and a note, each a single line without links."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from events_app.sharing.schemas import NOTE_MAX, ShareRequest, error_codes

VALID = {"email": "friend@example.org", "name": "Ada Lovelace", "note": "Thought of you."}


def codes(**changes: str) -> dict[str, str]:
    try:
        ShareRequest.model_validate(VALID | changes)
    except ValidationError as exc:
        return error_codes(exc)
    return {}


def test_a_valid_request_is_normalised() -> None:
    data = ShareRequest.model_validate(
        {"email": "  Friend@EXAMPLE.org ", "name": " Ada ", "note": ""}
    )
    assert (data.email, data.name, data.note) == ("Friend@example.org", "Ada", "")
    assert data.email_key == "friend@example.org"


@pytest.mark.parametrize("field", ["email", "name", "note"])
@pytest.mark.parametrize(
    "breaking",
    ["\r\nBcc: victim@example.org", "\nBcc: victim@example.org", "\r", "\x00", "\u2028", "\x85"],
    ids=["crlf", "lf", "cr", "nul", "line-separator", "next-line"],
)
def test_line_breaks_and_controls_are_refused_in_every_field(field: str, breaking: str) -> None:
    assert codes(**{field: VALID[field] + breaking}) == {field: "single_line"}


@pytest.mark.parametrize("field", ["email", "name", "note"])
def test_a_trailing_newline_is_refused_not_stripped(field: str) -> None:
    assert codes(**{field: VALID[field] + "\n"}) == {field: "single_line"}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"email": ""}, {"email": "required"}),
        ({"email": "   "}, {"email": "required"}),
        ({"email": "not-an-address"}, {"email": "invalid"}),
        ({"email": "a@example.org, b@example.org"}, {"email": "invalid"}),
        ({"email": "Friend <friend@example.org>"}, {"email": "invalid"}),
        ({"name": ""}, {"name": "required"}),
        ({"name": "x" * 101}, {"name": "too_long"}),
        ({"note": "x" * (NOTE_MAX + 1)}, {"note": "too_long"}),
        ({"note": "buy now at https://spam.example"}, {"note": "no_links"}),
        ({"note": "see www.spam.example"}, {"note": "no_links"}),
        ({"name": "Visit HTTP://spam.example"}, {"name": "no_links"}),
    ],
)
def test_refusals_name_the_field(changes: dict[str, str], expected: dict[str, str]) -> None:
    assert codes(**changes) == expected


def test_a_note_of_exactly_the_limit_is_fine() -> None:
    assert codes(note="x" * NOTE_MAX) == {}
