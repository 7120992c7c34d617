""" "Send this to a friend" is limited per client address, per recipient and for the whole site
per day; counted together (one refusal uses up nothing), in memory or shared through Redis."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import pytest
import redis
from starlette.applications import Starlette
from starlette.testclient import TestClient

from events_app.app import create_app
from events_app.clock import FrozenClock
from events_app.db import Database
from tests.factories import make_event
from tests.sharing.helpers import share_form, shared
from tests.support.redis import REDIS_URL, storage_url
from tests.support.settings import make_settings

PAGE = "/events/talk/share"
GENEROUS = "1000/day"


def share_app(
    database_url: str, db: Database, clock: FrozenClock, **overrides: object
) -> Starlette:
    values: dict[str, object] = {
        "rate_limit_enabled": True,
        "rate_limit_share": GENEROUS,
        "rate_limit_share_recipient": GENEROUS,
        "rate_limit_share_daily": GENEROUS,
        **overrides,
    }
    return create_app(make_settings(database_url, **values), clock=clock, database=db)


@contextmanager
def visitor(app: Starlette, address: str) -> Iterator[TestClient]:
    """A browser at client address `address`, with its own cookies."""
    with TestClient(app, base_url="https://testserver", client=(address, 50000)) as client:
        yield client


@pytest.fixture(autouse=True)
def talk(db: Database, now: datetime) -> None:
    make_event(db, now, slug="talk")


def statuses(client: TestClient, *recipients: str) -> list[int]:
    return [share_form(client, PAGE, email=address).status_code for address in recipients]


@pytest.mark.parametrize("store", ["memory", "redis"])
def test_per_client_address(
    store: str,
    database_url: str,
    db: Database,
    clock: FrozenClock,
    request: pytest.FixtureRequest,
) -> None:
    app = share_app(
        database_url, db, clock, rate_limit_share="2/hour", redis_url=storage_url(store, request)
    )
    with visitor(app, "192.0.2.1") as client:
        assert statuses(client, "a@example.org", "b@example.org") == [303, 303]
        refused = share_form(client, PAGE, email="c@example.org", name="Ada", note="Kept")
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 3600
    assert "Not sent: too many emails." in refused.text
    assert 'value="c@example.org"' in refused.text
    assert 'value="Kept"' in refused.text
    assert refused.headers["cache-control"] == "no-store"
    with visitor(app, "192.0.2.2") as neighbour:
        assert statuses(neighbour, "c@example.org") == [303]
    assert [m.to_address for m in shared(db)] == ["a@example.org", "b@example.org", "c@example.org"]
    if store == "redis":
        # Counted in Redis: another process sees the same count.
        other = share_app(database_url, db, clock, rate_limit_share="2/hour", redis_url=REDIS_URL)
        with visitor(other, "192.0.2.1") as client:
            assert statuses(client, "d@example.org") == [429]


@pytest.mark.parametrize("store", ["memory", "redis"])
def test_per_recipient_whoever_sends(
    store: str,
    database_url: str,
    db: Database,
    clock: FrozenClock,
    request: pytest.FixtureRequest,
) -> None:
    redis_url = storage_url(store, request)
    app = share_app(
        database_url, db, clock, rate_limit_share_recipient="2/day", redis_url=redis_url
    )
    with visitor(app, "192.0.2.1") as first, visitor(app, "192.0.2.2") as second:
        assert statuses(first, "friend@example.org") == [303]
        assert statuses(second, "Friend@EXAMPLE.org") == [303]  # the same address
        assert statuses(first, "friend@example.org") == [429]
        # The same mailbox behind a +tag (and, at Gmail, dots) is the same recipient.
        assert statuses(second, "friend+1@example.org", "fr.iend+2@example.org") == [429, 303]
        assert statuses(second, "other@example.org") == [303]
    assert [m.to_address.lower() for m in shared(db)] == [
        "friend@example.org", "friend@example.org", "fr.iend+2@example.org", "other@example.org"
    ]  # fmt: skip
    if store == "redis":
        keys = [key.decode() for key in redis.Redis.from_url(REDIS_URL).scan_iter()]
        assert keys
        assert not any("friend" in key for key in keys)


def test_per_day_for_the_whole_site(database_url: str, db: Database, clock: FrozenClock) -> None:
    app = share_app(database_url, db, clock, rate_limit_share_daily="3/day")
    for number in range(3):
        with visitor(app, f"192.0.2.{number + 1}") as client:
            assert statuses(client, f"f{number}@example.org") == [303]
    with visitor(app, "198.51.100.7") as newcomer:
        refused = share_form(newcomer, PAGE, email="late@example.org")
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 3600  # a day's window
    assert len(shared(db)) == 3


def test_a_refusal_by_one_limit_uses_up_no_other(
    database_url: str, db: Database, clock: FrozenClock
) -> None:
    app = share_app(
        database_url, db, clock, rate_limit_share="2/hour", rate_limit_share_recipient="1/day"
    )
    with visitor(app, "192.0.2.1") as client:
        assert statuses(client, "a@example.org", "a@example.org", "b@example.org") == [
            303, 429, 303,
        ]  # fmt: skip
        # Now the client's two are used: the refused second try did not count.
        assert statuses(client, "c@example.org") == [429]
    assert [m.to_address for m in shared(db)] == ["a@example.org", "b@example.org"]


def test_invalid_forms_and_honeypots_do_not_count(
    database_url: str, db: Database, clock: FrozenClock
) -> None:
    app = share_app(database_url, db, clock, rate_limit_share="1/hour")
    with visitor(app, "192.0.2.1") as client:
        assert share_form(client, PAGE, email="nope").status_code == 400
        assert share_form(client, PAGE, name="Eve\r\nBcc: x@example.org").status_code == 400
        assert share_form(client, PAGE, website="spam").status_code == 303
        assert statuses(client, "a@example.org", "b@example.org") == [303, 429]
    assert len(shared(db)) == 1


def test_switched_off_nothing_is_limited(
    database_url: str, db: Database, clock: FrozenClock
) -> None:
    app = share_app(
        database_url,
        db,
        clock,
        rate_limit_share="1/hour",
        rate_limit_share_recipient="1/day",
        rate_limit_share_daily="1/day",
        rate_limit_enabled=False,
    )
    with visitor(app, "192.0.2.1") as client:
        assert statuses(client, "a@example.org", "a@example.org") == [303, 303]
