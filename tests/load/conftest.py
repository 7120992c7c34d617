"""Load tests: a real uvicorn with several worker processes, hit concurrently over loopback.

Everything under tests/load/ carries the `load` marker (`pytest -m "not load"` leaves it out).
The `database_url` fixture of tests/conftest.py parametrises each test over SQLite and
PostgreSQL, failing or skipping PostgreSQL exactly as the rest of the suite does.
"""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).parent


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "load: concurrency tests against a multi-process uvicorn (tests/load)"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.load)
