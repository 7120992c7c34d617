"""Wall-clock times from the back office's forms: gaps refused, repeated times asked about,
and the chosen occurrence kept."""

from __future__ import annotations

from datetime import UTC, datetime

from events_app.admin.local_times import (
    occurrences,
    parse_wall,
    resolve_instant,
    resolve_wall,
    wall_value,
)
from events_app.timezones import zone

BERLIN = zone("Europe/Berlin")


def test_an_ordinary_time_stays_a_wall_clock_time() -> None:
    assert resolve_wall("2026-12-08T14:00", BERLIN) == (datetime(2026, 12, 8, 14, 0), None)
    assert resolve_wall("", BERLIN) == (None, None)
    assert resolve_wall("2026-12-08T14:00:59", BERLIN)[0] == datetime(2026, 12, 8, 14, 0)


def test_nonsense_is_not_a_time() -> None:
    assert resolve_wall("tomorrow", BERLIN)[1].code == "datetime"  # type: ignore[union-attr]
    assert parse_wall("2026-02-30T10:00") is None


def test_a_time_in_the_gap_is_refused_with_where_and_when() -> None:
    moment, problem = resolve_wall("2026-03-29T02:30", BERLIN)
    assert moment is None
    assert problem is not None
    assert (problem.code, problem.params) == (
        "gap",
        {"time": "2026-03-29 02:30", "zone": "Europe/Berlin"},
    )


def test_a_repeated_time_asks_which_one_and_keeps_the_answer() -> None:
    moment, problem = resolve_wall("2026-10-25T02:30", BERLIN)
    assert moment is None
    assert problem is not None
    assert problem.code == "repeated"
    choices = problem.params["choices"]
    assert [(c.offset, c.label) for c in choices] == [
        ("+02:00", "+02:00 CEST"),
        ("+01:00", "+01:00 CET"),
    ]
    first, _ = resolve_instant("2026-10-25T02:30", BERLIN, "+02:00")
    second, _ = resolve_instant("2026-10-25T02:30", BERLIN, "+01:00")
    assert first == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert second == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    # An offset the zone does not have there is no answer: the question is asked again.
    assert resolve_wall("2026-10-25T02:30", BERLIN, "+05:00")[1].code == "repeated"  # type: ignore[union-attr]


def test_a_stored_instant_comes_back_as_its_wall_time_and_occurrence() -> None:
    second = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert wall_value(second, BERLIN) == ("2026-10-25T02:30", "+01:00")
    assert wall_value(datetime(2026, 12, 8, 13, 0, tzinfo=UTC), BERLIN) == ("2026-12-08T14:00", "")
    assert wall_value(None, BERLIN) == ("", "")
    assert occurrences(datetime(2026, 12, 8, 14, 0), BERLIN) == []
