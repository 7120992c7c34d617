"""Registration under concurrent load, through the real HTTP stack: uvicorn with 4 worker
processes on one database (SQLite file or PostgreSQL), requests fired together over loopback.

What holds is the service's rule: whatever counts seats first takes the event's lock (FOR
UPDATE on PostgreSQL; on SQLite the write transaction began with BEGIN IMMEDIATE).
test_the_harness_catches_overbooking_without_the_lock proves these tests can fail: it serves
the same app on a database that takes no row locks (tests/support/row_locks.py).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.load.harness import (
    CAPACITY,
    Site,
    read_state,
    run_async,
    running_server,
    seed_event,
    site_client,
    together,
    waitlist_order_violations,
)
from tests.support.row_locks import UNLOCKED_APP

PEOPLE = 200


async def _register_and_confirm_everyone(base_url: str, slug: str, database_url: str) -> Site:
    with site_client(base_url) as client:
        async with client:
            site = Site(base_url, slug, client)
            await site.open_event_page()
            emails = [f"person{i:03d}@example.org" for i in range(PEOPLE)]
            await together(site.register(email) for email in emails)
            tokens = read_state(database_url).confirm_tokens()
            assert len(tokens) == PEOPLE, site.results.summary()
            await together(site.confirm(token) for token in tokens.values())
            return site


def test_two_hundred_people_race_for_ten_seats(database_url: str, tmp_path: Path) -> None:
    """(a) 200 registrations at once, then 200 confirmations at once: exactly 10 seats."""
    slug = seed_event(database_url)
    started = time.monotonic()
    with running_server(database_url, tmp_path / "uvicorn.log") as base_url:
        site = run_async(_register_and_confirm_everyone(base_url, slug, database_url))
    state = read_state(database_url)
    elapsed = time.monotonic() - started
    print(f"\n{database_url.split(':')[0]}: {elapsed:.1f}s {site.results.summary()}")
    assert site.results.errors == []
    assert site.results.statuses == {303: 2 * PEOPLE}
    assert len(state.registrations) == PEOPLE
    assert state.count("confirmed") == CAPACITY
    assert state.count("waitlisted") == PEOPLE - CAPACITY
    assert state.kinds() == {
        "confirm_request": PEOPLE,
        "confirmed": CAPACITY,
        "waitlisted": PEOPLE - CAPACITY,
    }


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_the_harness_catches_overbooking_without_the_lock(
    database_url: str, tmp_path: Path
) -> None:
    """(d) The same race, served by the same app on a database without row locks
    (tests/support/row_locks.py, started as a uvicorn factory): the harness must see
    overbooking (or errors), or it proves nothing.

    PostgreSQL: without SELECT ... FOR UPDATE on the event row, concurrent transactions
    count seats on snapshots that miss each other's uncommitted holds and confirmations,
    so more than 10 registrations hold seats and get confirmed.

    SQLite cannot overbook: without BEGIN IMMEDIATE, the writer that read first and writes
    second fails ("database is locked") instead of waiting its turn, so most registrations
    answer 503 (measured: 155 of 200), which the tests above would catch as errors. This
    proof of overbooking runs on PostgreSQL only.
    """
    slug = seed_event(database_url)
    with running_server(database_url, tmp_path / "uvicorn.log", app=UNLOCKED_APP) as base_url:
        site = run_async(_register_and_confirm_everyone(base_url, slug, database_url))
    state = read_state(database_url)
    confirmed = state.count("confirmed")
    print(f"\nwithout row locks: confirmed={confirmed} {site.results.summary()}")
    assert confirmed > CAPACITY or site.results.errors, (
        f"no overbooking detected without the lock: {confirmed} confirmed"
    )


async def _confirmations_race_for_freed_seats(base_url: str, slug: str, database_url: str) -> Site:
    """60 register; the 10 who hold the seats cancel; then the other 50 confirm at once, so
    that the 10 free seats are decided by confirmations alone (not by holds taken earlier)."""
    with site_client(base_url) as client:
        async with client:
            site = Site(base_url, slug, client)
            await site.open_event_page()
            emails = [f"confirmer{i:03d}@example.org" for i in range(6 * CAPACITY)]
            for email in emails[:CAPACITY]:  # one by one: these are the ten holding seats
                await site.register(email)
            await together(site.register(email) for email in emails[CAPACITY:])
            state = read_state(database_url)
            tokens = state.confirm_tokens()
            holders = {r.id for r in state.registrations if r.holds_seat}
            assert len(holders) == CAPACITY, site.results.summary()
            for registration_id in holders:
                await site.cancel(tokens[registration_id])
            await together(
                site.confirm(token) for key, token in tokens.items() if key not in holders
            )
            return site


def test_fifty_confirmations_race_for_ten_freed_seats(database_url: str, tmp_path: Path) -> None:
    """(e) Confirmation takes its seat under the event's lock too (registration/confirming.py):
    exactly 10 of the 50 get seats, the other 40 are waitlisted in order."""
    slug = seed_event(database_url)
    with running_server(database_url, tmp_path / "uvicorn.log") as base_url:
        site = run_async(_confirmations_race_for_freed_seats(base_url, slug, database_url))
    state = read_state(database_url)
    assert site.results.errors == []
    assert state.count("cancelled") == CAPACITY
    assert state.count("confirmed") == CAPACITY
    assert state.count("waitlisted") == 4 * CAPACITY
    assert waitlist_order_violations(state) == []


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_the_confirmation_race_overbooks_without_the_lock(
    database_url: str, tmp_path: Path
) -> None:
    """(e) without row locks: confirmations that count free seats on snapshots missing each
    other's confirmations give away more than the 10 seats, so the test above can fail."""
    slug = seed_event(database_url)
    with running_server(database_url, tmp_path / "uvicorn.log", app=UNLOCKED_APP) as base_url:
        site = run_async(_confirmations_race_for_freed_seats(base_url, slug, database_url))
    state = read_state(database_url)
    confirmed = state.count("confirmed")
    print(f"\nconfirmations without row locks: confirmed={confirmed} {site.results.summary()}")
    assert confirmed > CAPACITY or site.results.errors, (
        f"no overbooking detected without the lock: {confirmed} confirmed"
    )


async def _double_click(base_url: str, slug: str) -> Site:
    with site_client(base_url) as client:
        async with client:
            site = Site(base_url, slug, client)
            await site.open_event_page()
            await together(site.register("Double.Click@example.org") for _ in range(20))
            return site


def test_twenty_identical_submissions_make_one_registration(
    database_url: str, tmp_path: Path
) -> None:
    """(b) One address submitted 20 times at once (a double click, many times over): one
    registration and one email. Repeats within the re-send cooldown find the registration and
    send nothing, so the link in that one email keeps working."""
    slug = seed_event(database_url)
    with running_server(database_url, tmp_path / "uvicorn.log") as base_url:
        site = run_async(_double_click(base_url, slug))
    state = read_state(database_url)
    assert site.results.errors == []
    assert site.results.statuses == {303: 20}
    assert len(state.registrations) == 1
    assert state.kinds() == {"confirm_request": 1}
    only_email = state.outbox[0].text_body
    assert state.confirm_tokens()[state.registrations[0].id] in only_email  # type: ignore[index]


async def _cancellations_race(base_url: str, slug: str, database_url: str) -> Site:
    with site_client(base_url) as client:
        async with client:
            site = Site(base_url, slug, client)
            await site.open_event_page()
            # 40 registered: the first 10 hold the seats and confirm; 10 more wait in line.
            for i in range(40):
                await site.register(f"early{i:02d}@example.org")
            tokens = list(read_state(database_url).confirm_tokens().values())
            await together(site.confirm(token) for token in tokens[:20])
            # Then, all at once: 8 seated people cancel, 20 registered ones confirm,
            # 30 newcomers register and 4 in line cancel.
            await together(
                [
                    *(site.cancel(token) for token in tokens[:8]),
                    *(site.confirm(token) for token in tokens[20:40]),
                    *(site.register(f"late{i:02d}@example.org") for i in range(30)),
                    *(site.cancel(token) for token in tokens[16:20]),
                ]
            )
            # The newcomers confirm too, so that no seat is left merely held.
            state = read_state(database_url)
            early = set(tokens)
            late = [t for t in state.confirm_tokens().values() if t not in early]
            await together(site.confirm(token) for token in late)
            return site


def test_cancellations_racing_registrations_keep_count_and_order(
    database_url: str, tmp_path: Path
) -> None:
    """(c) Cancellations racing registrations and confirmations: seats stay exactly at
    capacity (everyone confirmed in the end, more people than seats) and the waitlist moves
    in (confirmed_at, id) order."""
    slug = seed_event(database_url)
    with running_server(database_url, tmp_path / "uvicorn.log") as base_url:
        site = run_async(_cancellations_race(base_url, slug, database_url))
    state = read_state(database_url)
    assert site.results.errors == []
    assert set(site.results.statuses) == {303}
    cancelled = state.count("cancelled")
    alive = len(state.registrations) - cancelled
    assert (len(state.registrations), cancelled) == (70, 12)
    assert state.count("pending") == 0
    assert state.count("confirmed") == min(CAPACITY, alive)
    assert state.count("waitlisted") == alive - min(CAPACITY, alive)
    assert waitlist_order_violations(state) == []
    kinds = state.kinds()
    assert kinds["confirm_request"] == 70
    assert kinds["cancelled"] == cancelled
    seat_emails = {m.registration_id for m in state.outbox if m.kind in ("confirmed", "promoted")}
    line_emails = {m.registration_id for m in state.outbox if m.kind == "waitlisted"}
    assert kinds["confirmed"] + kinds["promoted"] == len(seat_emails)  # one each at most
    for registration in state.registrations:
        if registration.status == "confirmed":
            assert registration.id in seat_emails
        if registration.status == "waitlisted":
            assert registration.id in line_emails
            assert registration.id not in seat_emails
