"""How hard argon2id works comes from the settings (EVENTS_PASSWORD_HASH_*): RFC 9106's
low-memory profile by default; the app hashes, checks unknown addresses and upgrades old
hashes with the parameters it was given. (The suite runs at the minimum, tests/support.)"""

from __future__ import annotations

from datetime import datetime

import pytest
from argon2.profiles import RFC_9106_LOW_MEMORY
from pydantic import ValidationError
from sqlalchemy import select
from starlette.testclient import TestClient

from events_app.admin.passwords import DEFAULT_HASHER, _dummy_hash, hasher_for
from events_app.config import Settings
from events_app.db import Database
from events_app.models import User
from tests.admin.web_helpers import log_in, post_form, sign_in
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.support.audit import reload
from tests.support.passwords import TEST_HASHER
from tests.support.settings import FAST_PASSWORD_HASHING, make_settings

FAST = "$m=8,t=1,p=1$"


def test_the_defaults_are_rfc_9106_low_memory() -> None:
    defaults = {name: Settings.model_fields[name].default for name in FAST_PASSWORD_HASHING}
    production = hasher_for(make_settings("sqlite://", **defaults))
    assert production.time_cost == RFC_9106_LOW_MEMORY.time_cost == 3
    assert production.memory_cost == RFC_9106_LOW_MEMORY.memory_cost == 65536
    assert production.parallelism == RFC_9106_LOW_MEMORY.parallelism == 4
    assert production.check_needs_rehash(TEST_HASHER.hash("x"))
    assert not production.check_needs_rehash(DEFAULT_HASHER.hash("x"))


def test_one_hasher_per_parameter_set_and_its_dummy_costs_as_much_as_a_real_hash() -> None:
    assert hasher_for(make_settings("sqlite://")) is TEST_HASHER
    assert FAST in _dummy_hash(TEST_HASHER)
    assert FAST in TEST_HASHER.hash("x")


def test_memory_must_be_8_kib_per_lane() -> None:
    with pytest.raises(ValidationError, match="at least 8 per lane"):
        make_settings("sqlite://", password_hash_memory_kib=16, password_hash_parallelism=4)
    assert make_settings("sqlite://", password_hash_memory_kib=32, password_hash_parallelism=4)


def test_signing_in_upgrades_a_hash_to_the_apps_parameters(
    client: TestClient, db: Database, now: datetime
) -> None:
    user = make_user(db, now, email="ada@example.org")
    with db.write() as session:
        stored = session.get(User, user.id)
        assert stored is not None
        stored.password_hash = DEFAULT_HASHER.hash(DEFAULT_PASSWORD)  # made before a change
    assert log_in(client, "ada@example.org").status_code == 303
    upgraded = reload(db, user).password_hash
    assert FAST in upgraded
    assert TEST_HASHER.verify(upgraded, DEFAULT_PASSWORD)


def test_a_user_added_in_the_back_office_is_hashed_with_the_apps_parameters(
    client: TestClient, db: Database, now: datetime
) -> None:
    sign_in(client, make_user(db, now, email="admin@example.org"))
    response = post_form(
        client, "/admin/users/new", "/admin/users/new", email="grace@example.org",
        name="Grace", role="editor", password="another fine passphrase",
    )  # fmt: skip
    assert response.status_code == 303
    with db.read() as session:
        grace = session.scalar(select(User).where(User.email == "grace@example.org"))  # type: ignore[arg-type]
    assert grace is not None
    assert FAST in grace.password_hash
