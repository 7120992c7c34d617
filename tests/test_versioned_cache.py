"""The one bounded cache of things valid for a version (events_app/versioned_cache.py)."""

from __future__ import annotations

import sys
import threading
from datetime import UTC, datetime, timedelta

import pytest

from events_app.versioned_cache import VersionedLRU

NOW = datetime(2026, 12, 8, 14, 0, tzinfo=UTC)


def test_a_stored_value_is_found_at_its_version() -> None:
    cache: VersionedLRU[str, int] = VersionedLRU(max_entries=2)
    cache.put("a", 1, version=3)
    assert cache.get("a", version=3) == 1
    assert cache.get("b", version=3) is None
    assert cache.version == 3


def test_it_holds_no_more_than_its_bound() -> None:
    cache: VersionedLRU[int, int] = VersionedLRU(max_entries=3)
    for key in range(10):
        cache.put(key, key, version=1)
    assert len(cache) == 3
    assert [cache.get(key, version=1) for key in (7, 8, 9)] == [7, 8, 9]


def test_the_least_recently_used_entry_goes_first() -> None:
    cache: VersionedLRU[str, str] = VersionedLRU(max_entries=2)
    cache.put("a", "A", version=1)
    cache.put("b", "B", version=1)
    assert cache.get("a", version=1) == "A"  # "a" is now the most recent
    cache.put("c", "C", version=1)
    assert cache.get("b", version=1) is None
    assert cache.get("a", version=1) == "A"
    assert cache.get("c", version=1) == "C"


def test_storing_a_key_again_replaces_it_and_makes_it_recent() -> None:
    cache: VersionedLRU[str, str] = VersionedLRU(max_entries=2)
    cache.put("a", "old", version=1)
    cache.put("b", "B", version=1)
    cache.put("a", "new", version=1)
    cache.put("c", "C", version=1)
    assert cache.get("a", version=1) == "new"
    assert cache.get("b", version=1) is None


def test_another_version_drops_every_entry() -> None:
    cache: VersionedLRU[str, int] = VersionedLRU(max_entries=4)
    cache.put("a", 1, version=1)
    cache.put("b", 2, version=1)
    assert cache.get("a", version=2) is None
    assert len(cache) == 0
    # Going back to the old version does not bring them back: they were forgotten.
    assert cache.get("b", version=1) is None


def test_storing_at_another_version_drops_the_entries_of_the_old_one() -> None:
    cache: VersionedLRU[str, int] = VersionedLRU(max_entries=4)
    cache.put("a", 1, version=1)
    cache.put("b", 2, version=2)
    assert len(cache) == 1
    assert cache.get("b", version=2) == 2


def test_an_entry_holds_only_within_its_window() -> None:
    cache: VersionedLRU[str, str] = VersionedLRU(max_entries=4)
    until = NOW + timedelta(hours=1)
    cache.put("feed", "body", version=1, valid_from=NOW, valid_until=until)
    assert cache.get("feed", version=1, now=NOW) == "body"
    assert cache.get("feed", version=1, now=until - timedelta(microseconds=1)) == "body"
    assert cache.get("feed", version=1, now=until) is None
    assert len(cache) == 0  # dropped, not kept for a clock that steps back


def test_a_clock_stepping_back_before_the_build_drops_the_entry() -> None:
    cache: VersionedLRU[str, str] = VersionedLRU(max_entries=4)
    cache.put("feed", "body", version=1, valid_from=NOW)
    assert cache.get("feed", version=1, now=NOW - timedelta(seconds=1)) is None
    assert cache.get("feed", version=1, now=NOW) is None


def test_an_open_window_always_holds() -> None:
    cache: VersionedLRU[str, str] = VersionedLRU(max_entries=4)
    cache.put("page", "body", version=1)
    assert cache.get("page", version=1, now=NOW) == "body"
    assert cache.get("page", version=1, now=NOW + timedelta(days=3650)) == "body"


def test_clear_forgets_everything() -> None:
    cache: VersionedLRU[str, int] = VersionedLRU(max_entries=4)
    cache.put("a", 1, version=1)
    cache.clear()
    assert cache.get("a", version=1) is None


def test_a_cache_must_hold_something() -> None:
    with pytest.raises(ValueError, match="at least one"):
        VersionedLRU(max_entries=0)


def test_threads_sharing_one_cache_never_break_its_bound_or_order() -> None:
    """Feeds are built in the thread pool: gets and puts from many threads at once must keep
    the bound and never raise (an unlocked OrderedDict raises or loses entries when one
    thread reorders while another evicts)."""
    cache: VersionedLRU[int, int] = VersionedLRU(max_entries=16)
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def work(seed: int) -> None:
        try:
            start.wait()
            for i in range(3000):
                key = (seed * 7 + i) % 40
                cache.put(key, key, version=1)
                found = cache.get((key + 3) % 40, version=1)
                assert found is None or found == (key + 3) % 40
                assert len(cache) <= 16
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, to meet the races
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == []
    assert len(cache) == 16
