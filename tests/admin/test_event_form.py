"""The event form to EventCreate: the schema's rules, worded per field, and the form's own
(local times, all-day dates, choices that must exist, a reserved address)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from starlette.datastructures import FormData

from events_app.admin.event_form import blank_form, read_form, to_event_create
from events_app.admin.local_times import Problem
from events_app.events.schemas import EventCreate


def submitted(**fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "title": "Open labs",
        "timezone": "Europe/Berlin",
        "format": "in_person",
        "starts_at": "2026-12-08T14:00",
        "ends_at": "2026-12-08T16:00",
    }
    values.update(fields)
    items = [
        (name, item)
        for name, value in values.items()
        for item in (value if isinstance(value, list) else [value])
    ]
    return read_form(FormData(items))


def validate(
    form: dict[str, Any], categories: list[str] | None = None, articles: list[str] | None = None
) -> tuple[EventCreate | None, dict[str, Problem]]:
    return to_event_create(form, kept=None, categories=categories or [], articles=articles or [])


def test_a_complete_form_is_a_draft_with_its_times_in_its_zone() -> None:
    data, problems = validate(submitted(categories=["Science"]), categories=["Science"])
    assert problems == {}
    assert data is not None
    assert data.slug == "open-labs"  # made from the title when left empty
    assert data.status == "draft"
    assert data.starts_at_utc == datetime(2026, 12, 8, 13, 0, tzinfo=UTC)
    assert data.categories == ["Science"]


def test_each_bad_field_gets_its_own_message() -> None:
    form = submitted(
        title="",
        slug="Not A Slug",
        online_url="ftp://x",
        capacity="many",
        ends_at="2026-12-08T13:00",
        format="by pigeon",
    )
    data, problems = validate(form)
    assert data is None
    codes = {name: problem.code for name, problem in problems.items()}
    assert codes == {
        "title": "required",
        "slug": "slug",
        "online_url": "url",
        "capacity": "number",
        "ends_at": "end_before_start",
        "format": "choice",
    }


def test_a_capacity_out_of_range_and_a_reserved_address() -> None:
    _data, problems = validate(submitted(capacity="-1", slug="new"))
    assert problems["capacity"].code == "number"
    assert problems["slug"].code == "reserved"


def test_time_problems_are_not_repeated_by_the_schema() -> None:
    _data, problems = validate(submitted(starts_at="2026-03-29T02:30", ends_at="", title=""))
    assert {name: p.code for name, p in problems.items()} == {
        "starts_at": "gap",
        "ends_at": "required",
        "title": "required",
    }
    _data, problems = validate(submitted(timezone="Mars/Olympus"))
    assert {name: p.code for name, p in problems.items()} == {"timezone": "timezone"}


def test_all_day_events_take_their_dates_and_ignore_the_times() -> None:
    form = submitted(all_day="1", start_date="2026-12-08", end_date="2026-12-09", starts_at="")
    data, problems = validate(form)
    assert problems == {}
    assert data is not None
    assert data.all_day
    assert (data.starts_at, data.ends_at) == (date(2026, 12, 8), date(2026, 12, 9))
    _data, problems = validate(
        submitted(all_day="1", start_date="2026-12-08", end_date="2026-12-01")
    )
    assert {name: p.code for name, p in problems.items()} == {"end_date": "end_before_start"}
    _data, problems = validate(submitted(all_day="1", start_date="", end_date="x"))
    assert {name: p.code for name, p in problems.items()} == {
        "start_date": "required",
        "end_date": "date",
    }


def test_only_listed_categories_and_articles_may_be_chosen() -> None:
    _data, problems = validate(submitted(categories=["Made up"], articles=["gone"]), ["Science"])
    assert problems["categories"].code == "choice"
    assert problems["articles"].code == "choice"
    many = [f"a-{n}" for n in range(51)]
    _data, problems = validate(submitted(articles=many), articles=many)
    assert problems["articles"].code == "too_many"


def test_a_blank_form_starts_in_the_sites_zone() -> None:
    form = blank_form("Asia/Shanghai")
    assert (form["timezone"], form["format"], form["all_day"]) == (
        "Asia/Shanghai",
        "in_person",
        False,
    )


def test_approval_and_guests_are_read_and_checked() -> None:
    data, problems = validate(submitted(approval_required="1", max_guests="3"))
    assert problems == {}
    assert data is not None
    assert (data.approval_required, data.max_guests) == (True, 3)
    data, _problems = validate(submitted())
    assert data is not None
    assert (data.approval_required, data.max_guests) == (False, 0)
    for bad in ("21", "-1", "two"):
        data, problems = validate(submitted(max_guests=bad))
        assert data is None
        assert problems["max_guests"].code == "guests"
