"""The calendar files, byte for byte, against reviewed copies in golden/.

Each golden file is what the builders wrote for a representative event, with every DTSTAMP
value replaced by STAMP_MASK (the one value that is allowed to change: an invitation is stamped
when it is sent). A difference anywhere else fails with a diff.

To change the output on purpose: run `EVENTS_UPDATE_GOLDEN=1 pytest tests/calendar/test_golden.py`.
That rewrites the files and fails every golden test, saying which files changed; review them
with `git diff tests/calendar/golden` and run again without the variable. An update run never
passes, so a rewritten file cannot slip through unreviewed.
"""

from __future__ import annotations

import difflib
import itertools
import os
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from events_app.calendar.entries import ArticleLink, CalendarEntry
from events_app.calendar.ics import CalendarHead, build_calendar
from events_app.calendar.invitation import InvitationMethod, build_invitation
from events_app.calendar.vevent import CalendarSite
from tests.factories import make_entry
from tests.support.routes import site_urls

GOLDEN = Path(__file__).parent / "golden"
UPDATE_VARIABLE = "EVENTS_UPDATE_GOLDEN"
STAMP_MASK = b"DTSTAMP:19700101T000000Z"
_STAMP = re.compile(rb"(?m)^DTSTAMP:\d{8}T\d{6}Z(?=\r$)")

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
BASE_URL = "https://events.example.org"
SITE = CalendarSite(site_urls(BASE_URL), "Science Events", "Science Events <events@example.org>")
FEED = CalendarHead(
    name="Science Events",
    url=f"{BASE_URL}/events",
    description="Events from Science Events, kept up to date.",
    source=f"{BASE_URL}/events.ics",
)
ATTENDEE_FEED = CalendarHead(
    name="Science Events: my registrations",
    url=f"{BASE_URL}/r/TOKEN",
    source=f"{BASE_URL}/r/TOKEN/calendar.ics",
)
MARKDOWN = (
    "## 日程 / Agenda\n\n"
    "欢迎来到中关村！A long description, with commas, semicolons; and line breaks,\n"
    "kept as the organiser wrote them.\n\n"
    "- 上午：参观实验室, 量子计算机; 光子芯片\n"
    '- 下午：讨论会 — "Q&A" with the team\n'
    "- Evening: networking, drinks; snacks\n\n"
    + "中关村是中国第一个国家级高新技术产业开发区，也是科技创新的重要源头；"
    * 4
    + "\n\nSee [the map](https://map.example.org/zgc?lang=zh&x=1) or write to **info@example.org**."
    "\n\nPath: C:\\data\\new, backslashes stay."
)


def timed() -> CalendarEntry:
    return make_entry(
        slug="evening-lecture",
        title="Evening lecture: how cells divide",
        summary="A talk about cells.",
        starts_at=datetime(2026, 12, 8, 17, 0, tzinfo=UTC),
        ends_at=datetime(2026, 12, 8, 19, 0, tzinfo=UTC),
        venue="Lab building",
        address="Invalidenstraße 1, Berlin",
        latitude=52.53,
        longitude=13.38,
        organizer="Physics Society",
        categories=("Biology", "Public talks"),
        articles=(ArticleLink("cells", "How cells divide"),),
        sequence=1,
    )


def all_day() -> CalendarEntry:
    # 11 to 15 January in Shanghai: stored from midnight of the 11th to midnight of the 16th.
    return make_entry(
        slug="winter-school",
        title="Winter school",
        description="Five days of lectures.",
        timezone="Asia/Shanghai",
        all_day=True,
        starts_at=datetime(2027, 1, 10, 16, 0, tzinfo=UTC),
        ends_at=datetime(2027, 1, 15, 16, 0, tzinfo=UTC),
        venue="Fudan University",
        categories=("Schools",),
    )


def multi_day() -> CalendarEntry:
    return make_entry(
        slug="summit",
        title="Science summit",
        description="Four days, two tracks.",
        starts_at=datetime(2027, 3, 1, 8, 0, tzinfo=UTC),
        ends_at=datetime(2027, 3, 5, 16, 30, tzinfo=UTC),
        venue="Congress centre",
        categories=("Conferences",),
    )


def online() -> CalendarEntry:
    return make_entry(
        slug="webinar",
        title="Webinar: open data",
        description="Bring your questions.",
        online_url="https://meet.example.org/room-42",
        categories=("Online",),
    )


def cancelled() -> CalendarEntry:
    return make_entry(
        slug="cancelled-lecture",
        title="Cancelled lecture",
        description="The speaker is ill.",
        status="cancelled",
        sequence=2,
        venue="Hall B",
        categories=("Public talks",),
        updated_at=datetime(2026, 11, 20, tzinfo=UTC),
        cancelled_at=datetime(2026, 11, 20, tzinfo=UTC),
    )


def non_ascii() -> CalendarEntry:
    return make_entry(
        slug="zhongguancun-open-day",
        title="中关村开放日：量子计算, 光子; 与未来",
        timezone="Asia/Shanghai",
        starts_at=datetime(2026, 12, 12, 1, 30, tzinfo=UTC),
        ends_at=datetime(2026, 12, 12, 9, 0, tzinfo=UTC),
        venue="中关村创业大街",
        address="北京市海淀区, 中关村大街 1 号",
        organizer="中关村科学城",
        description=MARKDOWN,
        categories=("开放日", "Quantum, photonics"),
    )


def lab_tour() -> CalendarEntry:
    return make_entry(
        slug="lab-tour",
        title="Lab tour",
        description="Meet at the entrance.",
        venue="Lab building",
        online_url="https://meet.example.org/lab-tour",
        sequence=1,
    )


def feed(entry: CalendarEntry, *, private: bool = False) -> Callable[[], bytes]:
    head = ATTENDEE_FEED if private else FEED
    return lambda: build_calendar([entry], site=SITE, head=head, private=private)


def invitation(method: InvitationMethod) -> Callable[[], bytes]:
    return lambda: build_invitation(
        lab_tour(),
        SITE,
        method=method,
        attendee_name="李伟 (Wei, Li)",
        attendee_email="li.wei@example.org",
        now=NOW,
        private=True,
    )


CASES: dict[str, Callable[[], bytes]] = {
    "timed": feed(timed()),
    "all_day": feed(all_day()),
    "multi_day": feed(multi_day()),
    "online_public": feed(online()),
    "online_private": feed(online(), private=True),
    "cancelled": feed(cancelled()),
    "non_ascii": feed(non_ascii()),
    "invitation_request": invitation(InvitationMethod.request),
    "invitation_cancel": invitation(InvitationMethod.cancel),
}


def mask_stamps(data: bytes) -> bytes:
    """Every DTSTAMP value replaced by STAMP_MASK. A DTSTAMP line is 24 octets, never folded;
    one that the pattern misses (folded, with parameters, not in UTC) fails here."""
    masked, count = _STAMP.subn(STAMP_MASK, data)
    vevents = data.count(b"\r\nBEGIN:VEVENT\r\n")
    assert count == vevents == data.count(b"\r\nDTSTAMP"), (
        f"{count} DTSTAMP line(s) masked for {vevents} VEVENT(s)"
    )
    return masked


def assert_well_formed(data: bytes) -> None:
    """RFC 5545 3.1: CRLF line ends, lines of at most 75 octets, UTF-8; and no fold inside a
    multi-byte character: each physical line is valid UTF-8 by itself (so the file and its
    unfolded text are too)."""
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    assert data.endswith(b"END:VCALENDAR\r\n")
    rest = data.replace(b"\r\n", b"")
    assert b"\n" not in rest, "a line ends in a bare LF"
    assert b"\r" not in rest, "a bare CR"
    for number, line in enumerate(data.split(b"\r\n")[:-1], start=1):
        assert line, f"line {number} is empty"
        assert len(line) <= 75, f"line {number} is {len(line)} octets: {line!r}"
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise AssertionError(f"line {number} splits a character: {line!r}") from exc


def _visible_lines(data: bytes) -> list[str]:
    text = data.decode("utf-8", errors="backslashreplace")
    return [line.replace("\r", "\\r") + "\n" for line in text.split("\n")]


def compare_with_golden(actual: bytes, path: Path) -> None:
    masked = mask_stamps(actual)
    if os.environ.get(UPDATE_VARIABLE) == "1":
        before = path.read_bytes() if path.exists() else None
        if before == masked:
            pytest.fail(f"{path.name}: unchanged ({UPDATE_VARIABLE}=1 never passes)")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(masked)
        pytest.fail(
            f"{path.name}: {'rewritten' if before else 'written'}; review it with "
            f"`git diff {path}`, then run without {UPDATE_VARIABLE}"
        )
    if not path.exists():
        pytest.fail(f"no golden file {path}: create it with {UPDATE_VARIABLE}=1, then review it")
    golden = path.read_bytes()
    if masked != golden:
        diff = difflib.unified_diff(
            _visible_lines(golden), _visible_lines(masked), f"golden/{path.name}", "built now"
        )
        pytest.fail(
            f"{path.name} differs from what the builders write now "
            f"(if the change is meant, regenerate with {UPDATE_VARIABLE}=1):\n" + "".join(diff)
        )


@pytest.mark.parametrize("name", sorted(CASES))
def test_calendar_file_matches_its_golden_file(name: str) -> None:
    data = CASES[name]()

    assert_well_formed(data)
    compare_with_golden(data, GOLDEN / f"{name}.ics")


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_file_is_crlf_folded_utf8(name: str) -> None:
    # The file as stored: an editor or a git checkout that rewrote line ends would break it.
    path = GOLDEN / f"{name}.ics"
    if not path.exists():
        pytest.fail(f"no golden file {path}")
    assert_well_formed(path.read_bytes())


def test_no_golden_file_is_left_without_a_case() -> None:
    assert sorted(path.stem for path in GOLDEN.glob("*.ics")) == sorted(CASES)


def test_non_ascii_text_is_folded_between_characters() -> None:
    data = CASES["non_ascii"]()
    lines = data.split(b"\r\n")

    # Some folds fall in the middle of CJK text, where a fold at exactly 75 octets would cut a
    # three-octet character: the line is cut shorter instead.
    folds = [(before, after) for before, after in itertools.pairwise(lines) if after[:1] == b" "]
    inside = [(before, after) for before, after in folds if after[1:2] >= b"\x80"]
    assert inside
    assert any(len(before) < 75 for before, _after in inside)
    assert_well_formed(data)


_SPLIT = "中".encode()


@pytest.mark.parametrize(
    ("broken", "problem"),
    [
        (b"SUMMARY:Talk\n", "bare LF"),
        (b"SUMMARY:" + b"x" * 68 + b"\r\n", "76 octets"),
        (b"SUMMARY:" + _SPLIT[:2] + b"\r\n " + _SPLIT[2:] + b"\r\n", "splits a character"),
        (b"SUMMARY:Talk\r\n\r\n", "is empty"),
    ],
    ids=["bare-lf", "long-line", "split-character", "empty-line"],
)
def test_the_well_formedness_check_catches_a_broken_file(broken: bytes, problem: str) -> None:
    data = b"BEGIN:VCALENDAR\r\n" + broken + b"END:VCALENDAR\r\n"

    with pytest.raises(AssertionError, match=problem):
        assert_well_formed(data)


def test_an_invitation_differs_only_in_its_dtstamp_when_sent_at_another_time() -> None:
    build = invitation(InvitationMethod.request)
    first = build()
    later = build_invitation(
        lab_tour(),
        SITE,
        method=InvitationMethod.request,
        attendee_name="李伟 (Wei, Li)",
        attendee_email="li.wei@example.org",
        now=datetime(2027, 2, 3, 4, 5, 6, tzinfo=UTC),
        private=True,
    )

    assert first != later
    assert b"\r\nDTSTAMP:20270203T040506Z\r\n" in later
    assert mask_stamps(first) == mask_stamps(later)


def test_masking_refuses_a_dtstamp_it_cannot_see() -> None:
    data = CASES["timed"]()
    folded = data.replace(b"\r\nDTSTAMP:2026", b"\r\nDTSTAMP:20\r\n 26")

    with pytest.raises(AssertionError, match="DTSTAMP"):
        mask_stamps(folded)


def test_an_update_run_writes_the_file_and_still_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = CASES["timed"]()
    path = tmp_path / "timed.ics"

    monkeypatch.setenv(UPDATE_VARIABLE, "1")
    with pytest.raises(pytest.fail.Exception, match="written; review it"):
        compare_with_golden(data, path)
    assert path.read_bytes() == mask_stamps(data)
    with pytest.raises(pytest.fail.Exception, match="unchanged"):
        compare_with_golden(data, path)

    monkeypatch.delenv(UPDATE_VARIABLE)
    compare_with_golden(data, path)
    path.write_bytes(path.read_bytes().replace(b"SUMMARY:Evening", b"SUMMARY:Morning"))
    with pytest.raises(pytest.fail.Exception, match="-SUMMARY:Morning"):
        compare_with_golden(data, path)
    with pytest.raises(pytest.fail.Exception, match="no golden file"):
        compare_with_golden(data, tmp_path / "missing.ics")
