"""A TestClient over HTTPS, like the configured base URL: outside development the session
and CSRF cookies are Secure, so a plain-HTTP client would not send them back.

`https_client_fixture` is the `client` fixture of tests/conftest.py over HTTPS: a directory's
conftest.py, or a test module, that wants it imports it
(`from tests.support.http import https_client_fixture`), and `client` is then this one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient


def https_client(app: Any) -> TestClient:
    return TestClient(app, base_url="https://testserver")


@pytest.fixture(name="client")
def https_client_fixture(app: Starlette) -> Iterator[TestClient]:
    with https_client(app) as test_client:
        yield test_client
