from __future__ import annotations

import pytest

from events_app.config import Settings
from events_app.registration.notify import Notifier


@pytest.fixture
def notifier(settings: Settings) -> Notifier:
    return Notifier(settings)
