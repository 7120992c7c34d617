"""Zone labels: an abbreviation only when it names one zone, the UTC offset always."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest

from events_app.timezones import MISLEADING_ABBREVIATIONS, zone_abbreviation, zone_label


@pytest.mark.parametrize(
    ("name", "when", "expected"),
    [
        ("Asia/Shanghai", datetime(2026, 12, 8, 6, tzinfo=UTC), "UTC+8"),
        ("America/Chicago", datetime(2026, 12, 8, 16, tzinfo=UTC), "UTC-6"),
        ("America/Chicago", datetime(2026, 7, 8, 16, tzinfo=UTC), "UTC-5"),
        ("Asia/Kolkata", datetime(2026, 12, 8, 6, tzinfo=UTC), "UTC+5:30"),
        ("America/Los_Angeles", datetime(2026, 12, 8, 16, tzinfo=UTC), "UTC-8"),
        ("America/New_York", datetime(2026, 12, 8, 16, tzinfo=UTC), "EST (UTC-5)"),
        ("Europe/Berlin", datetime(2026, 12, 8, 16, tzinfo=UTC), "CET (UTC+1)"),
        ("Asia/Singapore", datetime(2026, 12, 8, 6, tzinfo=UTC), "UTC+8"),
        ("UTC", datetime(2026, 12, 8, 6, tzinfo=UTC), "UTC"),
    ],
)
def test_zone_label(name: str, when: datetime, expected: str) -> None:
    assert zone_label(when.astimezone(ZoneInfo(name))) == expected


def test_every_abbreviation_that_names_several_offsets_is_left_out() -> None:
    """Recomputed from the installed tzdata, so that a new clash shows up here."""
    offsets: dict[str, set[timedelta | None]] = defaultdict(set)
    for name in available_timezones():
        for month in (1, 7):
            moment = datetime(2026, month, 15, tzinfo=UTC).astimezone(ZoneInfo(name))
            offsets[moment.tzname() or ""].add(moment.utcoffset())
    clashing = {abbr for abbr, seen in offsets.items() if len(seen) > 1 and abbr[:1].isalpha()}
    assert "CST" in clashing
    assert clashing <= MISLEADING_ABBREVIATIONS
    chicago = datetime(2026, 1, 15, tzinfo=ZoneInfo("America/Chicago"))
    assert (chicago.tzname(), zone_abbreviation(chicago)) == ("CST", "")
