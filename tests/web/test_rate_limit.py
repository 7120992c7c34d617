"""Registrations per client address: limited (in memory or in Redis), and switchable off."""

from __future__ import annotations

from datetime import datetime

import pytest
import redis
from starlette.testclient import TestClient

from events_app.app import create_app
from events_app.clock import FrozenClock
from events_app.db import Database
from tests.factories import make_event
from tests.registration.helpers import outbox
from tests.registration.web_helpers import https_client, register_form
from tests.support.redis import REDIS_URL, storage_url
from tests.support.settings import make_settings


def client_for(
    database_url: str, db: Database, clock: FrozenClock, **overrides: object
) -> TestClient:
    settings = make_settings(database_url, **overrides)
    return https_client(create_app(settings, clock=clock, database=db))


def register_three_times(client: TestClient) -> list[int]:
    return [register_form(client, "talk", email=f"p{i}@example.org").status_code for i in range(3)]


@pytest.mark.parametrize("store", ["memory", "redis"])
def test_over_the_limit_gets_429_with_retry_after(
    store: str,
    database_url: str,
    db: Database,
    clock: FrozenClock,
    now: datetime,
    request: pytest.FixtureRequest,
) -> None:
    redis_url = storage_url(store, request)
    make_event(db, now, slug="talk")
    limits = {"rate_limit_enabled": True, "rate_limit_register": "2/hour;50/day"}
    with client_for(database_url, db, clock, redis_url=redis_url, **limits) as client:
        assert register_three_times(client) == [303, 303, 429]
        refused = register_form(client, "talk", email="late@example.org")
    assert refused.status_code == 429
    assert "Too many attempts" in refused.text
    assert 1 <= int(refused.headers["retry-after"]) <= 3600
    assert len(outbox(db)) == 2
    if store == "redis":
        # Counted in Redis: a second app (another process) sees the same count.
        with client_for(database_url, db, clock, redis_url=redis_url, **limits) as other:
            assert register_form(other, "talk", email="x@example.org").status_code == 429


def test_invalid_forms_and_honeypots_do_not_count(
    database_url: str, db: Database, clock: FrozenClock, now: datetime
) -> None:
    make_event(db, now, slug="talk")
    limits = {"rate_limit_enabled": True, "rate_limit_register": "1/hour"}
    with client_for(database_url, db, clock, **limits) as client:
        assert register_form(client, "talk", email="bad").status_code == 400
        assert register_form(client, "talk", website="spam").status_code == 303
        assert register_form(client, "talk").status_code == 303
        assert register_form(client, "talk").status_code == 429


@pytest.mark.parametrize("store", ["memory", "redis"])
def test_switched_off(
    store: str,
    database_url: str,
    db: Database,
    clock: FrozenClock,
    now: datetime,
    request: pytest.FixtureRequest,
) -> None:
    redis_url = storage_url(store, request)
    make_event(db, now, slug="talk")
    overrides = {
        "rate_limit_enabled": False,
        "rate_limit_register": "1/hour",
        "redis_url": redis_url,
    }
    with client_for(database_url, db, clock, **overrides) as client:
        assert register_three_times(client) == [303, 303, 303]
    if store == "redis":
        assert redis.Redis.from_url(REDIS_URL).dbsize() == 0  # nothing was even counted


def test_resend_on_the_check_your_email_page_counts_with_the_form(
    database_url: str, db: Database, clock: FrozenClock, now: datetime
) -> None:
    from events_app.registration.service import RESEND_COOLDOWN
    from tests.registration.web_helpers import SAME_ORIGIN

    make_event(db, now, slug="talk")
    limits = {"rate_limit_enabled": True, "rate_limit_register": "1/hour"}
    with client_for(database_url, db, clock, **limits) as client:
        assert register_form(client, "talk").status_code == 303
        clock.advance(RESEND_COOLDOWN)
        refused = client.post("/events/talk/registered", headers=SAME_ORIGIN)
    assert refused.status_code == 429
    assert "Too many attempts" in refused.text
    assert len(outbox(db)) == 1
