from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.registration.web_helpers import https_client


@pytest.fixture
def client(app: Starlette) -> Iterator[TestClient]:
    """Over HTTPS: outside development the session cookie is Secure."""
    with https_client(app) as test_client:
        yield test_client
