"""The password policy and argon2 hashes."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST

from events_app.admin.passwords import (
    MAX_LENGTH,
    PasswordRefused,
    accept_password,
    password_problem,
    rehashed,
    verify_password,
)


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("", "too_short"),
        ("Xk7#pQ2!mZ9", "too_short"),  # 11 characters, however random
        ("password1234", "too_common"),
        ("iloveyou1234", "too_common"),
        ("qwertyuiopasdf", "too_common"),  # a keyboard walk
        ("abcdefghijklmn", "too_common"),
        ("x" * (MAX_LENGTH + 1), "too_long"),
        ("correct horse battery staple", None),
        ("Xk7#pQ2!mZ9w", None),
    ],
)
def test_the_policy(password: str, problem: str | None) -> None:
    assert password_problem(password) == problem


def test_a_password_made_of_the_users_own_address_is_too_common() -> None:
    password = "grace.hopper@navy.example"
    assert password_problem(password) is None
    hints = ["grace.hopper@navy.example", "grace.hopper", "Grace Hopper"]
    assert password_problem(password, user_inputs=hints) == "too_common"


def test_a_long_password_is_judged_by_its_first_72_characters() -> None:
    assert password_problem("a" * 100) == "too_common"
    assert password_problem("correct horse battery staple " * 4) is None


def test_accepted_passwords_are_hashed_with_argon2id_and_verify() -> None:
    new = accept_password("correct horse battery staple")
    assert new.hash.startswith("$argon2id$")
    assert "correct horse" not in new.hash
    assert verify_password(new.hash, "correct horse battery staple")
    assert not verify_password(new.hash, "correct horse battery stapler")
    assert accept_password("correct horse battery staple").hash != new.hash  # salted


def test_refusal_says_why() -> None:
    with pytest.raises(PasswordRefused) as refused:
        accept_password("short")
    assert refused.value.code == "too_short"


@pytest.mark.parametrize("stored", [None, "", "not a hash", "$argon2id$v=19$broken"])
def test_no_hash_or_a_broken_one_never_verifies(stored: str | None) -> None:
    assert not verify_password(stored, "correct horse battery staple")


def test_a_hash_made_with_older_parameters_is_made_again() -> None:
    weak = PasswordHasher.from_parameters(CHEAPEST).hash("correct horse battery staple")
    fresh = rehashed(weak, "correct horse battery staple")
    assert fresh is not None
    assert fresh != weak
    assert verify_password(fresh, "correct horse battery staple")
    assert rehashed(fresh, "correct horse battery staple") is None
