"""The years an event, a deadline or a go-live moment may fall in.

A date such as 9999-12-31 in Etc/GMT+12 is a valid date, but turning it into UTC (or adding
the day an all-day event ends on) leaves what Python's datetime can hold, and the request
would fail. No event is planned before 1970 or after 2200, so such dates are refused with a
field error wherever a date is entered: the back office, the import and the API.
"""

from __future__ import annotations

from datetime import date, datetime

FIRST_YEAR = 1970
LAST_YEAR = 2200
OUT_OF_RANGE = f"must be between the years {FIRST_YEAR} and {LAST_YEAR}"


def in_range(value: date | datetime) -> bool:
    """For a datetime, its year where it was written (before any conversion)."""
    return FIRST_YEAR <= value.year <= LAST_YEAR


def check_range(value: date | datetime) -> None:
    if not in_range(value):
        raise ValueError(OUT_OF_RANGE)
