"""The argon2id hasher the test app uses (make_settings' parameters), for helpers that hash
outside the app: tests/factories.make_user and tests that hash a password themselves."""

from __future__ import annotations

from argon2 import PasswordHasher

from events_app.admin.passwords import hasher_for
from tests.support.settings import make_settings

TEST_HASHER: PasswordHasher = hasher_for(make_settings("sqlite://"))
