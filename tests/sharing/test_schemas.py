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
    [
        "\r\nBcc: victim@example.org",
        "\nBcc: victim@example.org",
        "\r",
        "\x00",
        "\u2028",
        "\u2029",
        "\x85",
        "\u202e",
        "\u2067",
    ],
    ids=["crlf", "lf", "cr", "nul", "line-sep", "para-sep", "next-line", "rlo", "rli"],
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


@pytest.mark.parametrize("field", ["name", "note"])
@pytest.mark.parametrize(
    "link",
    [
        "evil-prize.com/login",
        "Visit evil-prize.com",
        "https:/evil.example",
        "\uff48\uff54\uff54\uff50\uff53\uff1a\uff0f\uff0fevil",  # full-width https://
        "203.0.113.9/pay",
        "mailto:x@evil.example",
        "write to x@evil.example",
        "evil\u3002com",  # an ideographic full stop
        "evil\u200b.com",  # a zero-width space inside
        "EVIL.NET",
        "[2001:db8::1]/x",
        "bit.ly",
    ],
)
def test_hostnames_and_ip_addresses_are_links_however_they_are_written(
    field: str, link: str
) -> None:
    assert codes(**{field: link}) == {field: "no_links"}


@pytest.mark.parametrize(
    "note",
    ["Dr.Smith said you would like it", "See you at 3.30pm", "Version 1.2.3", "at 10:30:45"],
)
def test_ordinary_notes_with_dots_and_colons_pass(note: str) -> None:
    assert codes(note=note) == {}


@pytest.mark.parametrize(
    ("typed", "mailbox"),
    [
        ("victim+1@example.org", "victim@example.org"),
        ("Victim+news+x@Example.org", "victim@example.org"),
        ("v.ictim+2@gmail.com", "victim@gmail.com"),
        ("V.I.C.T.I.M@googlemail.com", "victim@gmail.com"),
        ("v.ictim@example.org", "v.ictim@example.org"),  # dots matter elsewhere
    ],
)
def test_the_recipient_key_is_the_mailbox(typed: str, mailbox: str) -> None:
    assert ShareRequest.model_validate(VALID | {"email": typed}).email_key == mailbox
